import type { EntityManager } from '@mikro-orm/core';
import { createHash } from 'node:crypto';
import type { Event } from '../events/event.entity.js';
import { describer, mailLocale, renderMail } from '../mail/mail.render.js';
import { footer } from '../mail/notifications.js';
import { type MailSettings, enqueue } from '../mail/outbox.service.js';
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
 *
 * Registered or not, the request does the same work: one lookup, then one email queued in the
 * outbox (the worker sends it later), at most one per address and 10 minutes.
 * An unknown address gets a real email saying that no registration for this event uses it: the
 * answer page cannot tell who is registered, and the person who typed their address (perhaps
 * another one than they registered with) learns it in their own mailbox. A row queued only to be
 * thrown away would show organisers an "email" that never was.
 */
export async function emailPrivateLink(
  em: EntityManager,
  event: Event,
  email: string,
  settings: MailSettings,
  now = new Date(),
  requestLocale?: string,
): Promise<void> {
  const address = email.trim().toLowerCase();
  const registration = await em.findOne(Registration, {
    event: event.id,
    emailKey: address,
  });
  const slot = Math.floor(now.getTime() / (LINK_REMINDER_MINUTES * 60_000));
  // One insert statement, no transaction around it: a transaction would flush the registration
  // back (an UPDATE only a registered address would cause).
  if (registration) await queuePrivateLinkMail(em, registration, event, settings, 'link_reminder', `reminder:${slot}`);
  else await queueNoRegistrationMail(em, address, event, settings, requestLocale, slot);
}

/** Tells an address with no registration for the event that none exists (see emailPrivateLink). */
async function queueNoRegistrationMail(
  em: EntityManager,
  address: string,
  event: Event,
  settings: MailSettings,
  requestLocale: string | undefined,
  slot: number,
) {
  if (!address.includes('@')) return;
  const locale = mailLocale(requestLocale);
  const d = describer(event, locale);
  const t = d.t;
  const content = {
    locale,
    subject: t('mail.link_unknown.subject', { event: event.title }),
    greeting: t('mail.greetingNoName'),
    paragraphs: [t('mail.link_unknown.intro', { event: event.title, email: address })],
    details: d.details(),
    programme: [],
    action: { label: t('mail.link_unknown.action'), url: `${settings.publicUrl}/e/${event.slug}` },
    notes: [],
    footer: footer(event, settings, t),
  };
  const key = createHash('sha256').update(address).digest('base64url');
  await enqueue(
    em,
    [
      {
        event,
        registration: null,
        kind: 'private_link',
        // Like a reminder: one per address and slot (a hash, so the key stays short whatever the address).
        dedupeKey: `event:${event.id}:private_link:unknown:${key}:${slot}`,
        recipient: address,
        recipientName: '',
        locale,
        subject: content.subject,
        ...renderMail(content),
      },
    ],
    settings,
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
  const content = {
    locale,
    subject: t(`mail.${kind}.subject`, { event: event.title }),
    greeting: t('mail.greeting', { name: registration.firstName }),
    paragraphs: [t(`mail.${kind}.intro`, { event: event.title })],
    details: d.details(),
    programme: [],
    action: { label: t('mail.manageLink'), url: `${settings.publicUrl}/r/${registration.token}` },
    notes: [],
    footer: footer(event, settings, t),
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
 * The text with every private link (/r/<token>, and the survey's /s/<id>.<signature>) masked, for
 * whoever may read registrations but not change them (viewers): with the link, anyone can change or
 * cancel the registration, or answer the survey in the person's place. Calendar
 * lines are unfolded first, so a link split across two lines is masked whole.
 */
export function hidePrivateLinks(text: string): string {
  return text
    .replace(/\r?\n[ \t]/g, '')
    .replace(/\/r\/[A-Za-z0-9_-]{16,}/g, '/r/…')
    .replace(/\/s\/[0-9]+\.[A-Za-z0-9_-]{16,}/g, '/s/…');
}
