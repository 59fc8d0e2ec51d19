import type { EntityManager } from '@mikro-orm/core';
import type { Event } from '../events/event.entity.js';
import { describer, mailLocale, renderMail } from '../mail/mail.render.js';
import { type MailSettings, enqueue, senderOf } from '../mail/outbox.service.js';
import { Registration } from './registration.entity.js';
import { newToken } from './registration.service.js';

/**
 * An organiser replaces an attendee's private link (forwarded, leaked, lost): the old /r/:token
 * stops working at once. With `mail`, the new link is emailed to the attendee in the same transaction.
 */
export async function reissuePrivateLink(
  em: EntityManager,
  registration: Registration,
  options: { mail?: MailSettings } = {},
): Promise<Registration> {
  await em.transactional(async (tx) => {
    const reg = await tx.findOneOrFail(Registration, { id: registration.id }, { populate: ['event'] });
    reg.token = newToken();
    reg.updatedAt = new Date();
    await tx.flush();
    if (options.mail) await queuePrivateLinkMail(tx, reg, reg.event, options.mail, 'private_link', `${Date.now()}`);
  });
  await em.refresh(registration);
  return registration;
}

// Someone who lost their link may have it sent again, at most once in this many minutes.
const LINK_REMINDER_MINUTES = 10;

/**
 * "Already registered": the person asks for their private link, and it is emailed to the address
 * registered, never shown, so typing someone else's address tells nothing and gives nothing.
 */
export async function emailPrivateLink(
  em: EntityManager,
  event: Event,
  email: string,
  settings: MailSettings,
  now = new Date(),
): Promise<void> {
  const registration = await em.findOne(Registration, {
    event: event.id,
    emailKey: email.trim().toLowerCase(),
    status: { $ne: 'cancelled' },
  });
  if (!registration) return;
  const slot = Math.floor(now.getTime() / (LINK_REMINDER_MINUTES * 60_000));
  await em.transactional((tx) =>
    queuePrivateLinkMail(tx, registration, event, settings, 'link_reminder', `reminder:${slot}`),
  );
}

/** Emails the registration's current private link; `kind` picks the wording, `cause` names this sending in the dedupe key. */
async function queuePrivateLinkMail(
  em: EntityManager,
  registration: Registration,
  event: Event,
  settings: MailSettings,
  kind: 'private_link' | 'link_reminder',
  cause: string,
) {
  const locale = mailLocale(registration.locale);
  const d = describer(event, locale);
  const t = d.t;
  const sender = senderOf(event, settings);
  const content = {
    locale,
    subject: t(`mail.${kind}.subject`, { event: event.title }),
    greeting: t('mail.greeting', { name: registration.firstName }),
    paragraphs: [t(`mail.${kind}.intro`, { event: event.title })],
    details: d.details(),
    programme: [],
    action: { label: t('mail.manageLink'), url: `${settings.publicUrl}/r/${registration.token}` },
    notes: [],
    footer: [
      t('mail.footer', { organiser: sender.fromName, event: event.title }),
      t(sender.replyTo ? 'mail.replyHint' : 'mail.noReplyHint'),
    ].join(' '),
  };
  await enqueue(
    em,
    [
      {
        event,
        registration,
        kind: 'private_link',
        // One email per link issued or per reminder slot (the token itself never goes in a key).
        dedupeKey: `registration:${registration.id}:private_link:${cause}`,
        recipient: registration.email,
        recipientName: `${registration.firstName} ${registration.lastName}`,
        locale,
        subject: content.subject,
        ...renderMail(content),
      },
    ],
    settings,
  );
}

/**
 * The text with every private link (/r/<token>) masked, for whoever may read registrations but not
 * change them (viewers): with the link, anyone can change or cancel the registration. Calendar
 * lines are unfolded first, so a link split across two lines is masked whole.
 */
export function hidePrivateLinks(text: string): string {
  return text.replace(/\r?\n[ \t]/g, '').replace(/\/r\/[A-Za-z0-9_-]{16,}/g, '/r/…');
}
