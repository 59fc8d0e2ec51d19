import type { Event } from '../events/event.entity.js';
import { type MailContent, describer, mailLocale } from '../mail/mail.render.js';
import { footer, mailFor } from '../mail/notifications.js';
import type { MailSettings, NewMail } from '../mail/outbox.service.js';
import type { Registration } from '../registrations/registration.entity.js';

/** The survey invitation, in the attendee's language: why, whether it is anonymous, and their personal link. */
export function renderSurveyMail(
  event: Event,
  registration: Registration,
  settings: MailSettings,
  link: string,
  anonymous: boolean,
): NewMail {
  const locale = mailLocale(registration.locale);
  const d = describer(event, locale);
  const t = d.t;
  const content: MailContent = {
    locale,
    subject: t('mail.survey.subject', { event: event.title }),
    greeting: t('mail.greeting', { name: registration.firstName }),
    paragraphs: [
      t('mail.survey.intro', { event: event.title }),
      t(anonymous ? 'mail.survey.anonymous' : 'mail.survey.named'),
    ],
    details: d.details(),
    programme: [],
    action: { label: t('mail.survey.action'), url: `${settings.publicUrl}/s/${link}?lang=${locale}` },
    notes: [t('mail.survey.once')],
    footer: footer(event, settings, t),
  };
  // One per registration, ever: the dedupe key names the person, not the sending.
  return mailFor(event, registration, 'survey', `registration:${registration.id}:survey`, content);
}
