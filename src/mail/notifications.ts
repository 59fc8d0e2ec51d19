import type { EntityManager } from '@mikro-orm/core';
import { buildCalendar, sessionUid } from '../calendar/ics.js';
import type { Event, EventSession } from '../events/event.entity.js';
import { plenaries } from '../events/event-rules.js';
import { movedOnly } from '../cycles/meetings.js';
import type { ChangeAnnouncer } from '../events/event.service.js';
import { Registration } from '../registrations/registration.entity.js';
import { type MailContent, describer, mailLocale, renderMail } from './mail.render.js';
import type { CalendarMethod, MailKind } from './outbox.entity.js';
import { type MailSettings, type NewMail, enqueue, senderOf } from './outbox.service.js';

/**
 * What attendees are told, and when. Each function renders the email in the attendee's language
 * and stores it in the outbox with the caller's EntityManager, inside the caller's transaction.
 */

export type RegistrationMailKind = 'confirmation' | 'waitlisted' | 'promotion' | 'cancellation' | 'moved_to_waitlist';

/** The emails that withdraw the attendee's invite (a METHOD:CANCEL) when they held a seat. */
const withdrawsInvite = (kind: RegistrationMailKind) => kind === 'cancellation' || kind === 'moved_to_waitlist';

/**
 * The sessions of a registration's invite, as /r/:token/invite.ics gives them: the plenaries, their
 * breakout group once the assignments are published, or the event itself when it has no plenary.
 */
export function inviteEntries(event: Event, registration: Pick<Registration, 'group'>): (EventSession | null)[] {
  const sessions = plenaries(event);
  const group = visibleGroup(event, registration);
  if (group) sessions.push(group);
  sessions.sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
  return sessions.length ? sessions : [null];
}

/**
 * The group a registration's invite shows: once the assignments are published, the event's own copy
 * of it (a session removed from the programme is no longer in the invite); `asPublished` looks ahead.
 */
export function visibleGroup(
  event: Event,
  registration: Pick<Registration, 'group'>,
  asPublished = event.assignmentsPublishedAt != null,
): EventSession | undefined {
  if (!registration.group || !asPublished) return undefined;
  return event.sessions.getItems().find((s) => s.id === registration.group!.id && s.kind === 'breakout');
}

/**
 * Notes that an invite email goes to this registration: its own count rises, so the SEQUENCE of this
 * email (the event's plus the registration's) outranks every earlier one, a CANCEL included, and a
 * calendar applies it. Also notes which group the email's invite holds.
 */
export function stampInvite(event: Event, registration: Registration, method: CalendarMethod): void {
  registration.inviteSequence = (registration.inviteSequence ?? 0) + 1;
  registration.invitedGroupId = method === 'CANCEL' ? null : (visibleGroup(event, registration)?.id ?? null);
}

/** The SEQUENCE of a registration's invite as it stands (the .ics download and the emails). */
export const inviteSequence = (event: Event, registration: Pick<Registration, 'inviteSequence'>) =>
  event.sequence + (registration.inviteSequence ?? 0);

export function calendarFor(
  event: Event,
  registration: Registration,
  settings: MailSettings,
  method: CalendarMethod,
  sessions: (EventSession | null)[],
) {
  const sender = senderOf(event, settings);
  return buildCalendar(event, {
    publicUrl: settings.publicUrl,
    registration,
    method,
    sessions,
    sequence: inviteSequence(event, registration),
    organiserEmail: sender.organiserEmail,
    organiserName: sender.organiserName,
  });
}

export function footer(
  event: Event,
  settings: MailSettings,
  t: (key: string, params?: Record<string, string>) => string,
) {
  const sender = senderOf(event, settings);
  return [
    t('mail.footer', { organiser: sender.fromName, event: event.title }),
    t(sender.replyTo ? 'mail.replyHint' : 'mail.noReplyHint'),
  ].join(' ');
}

export function mailFor(
  event: Event,
  registration: Registration,
  kind: MailKind,
  dedupeKey: string,
  content: MailContent,
  calendar?: { ics: string; method: CalendarMethod },
): NewMail {
  return {
    event,
    registration,
    kind,
    dedupeKey,
    recipient: registration.email,
    recipientName: `${registration.firstName} ${registration.lastName}`,
    locale: content.locale,
    subject: content.subject,
    ...renderMail(content),
    ics: calendar?.ics ?? null,
    icsMethod: calendar?.method ?? null,
  };
}

export const manageUrl = (settings: MailSettings, registration: Registration) =>
  `${settings.publicUrl}/r/${registration.token}`;

/**
 * The email that follows a change of a registration's status. Call it before changing the
 * registration for a cancellation: the CANCEL withdraws the sessions the attendee's invite held.
 */
export async function queueRegistrationMail(
  em: EntityManager,
  registration: Registration,
  event: Event,
  kind: RegistrationMailKind,
  settings: MailSettings,
  /** `cause`: names a change that may happen more than once (a status changed back and forth), in the dedupe key. */
  options: { byOrganiser?: boolean; cause?: string } = {},
  /** The same email rendered beforehand by renderRegistrationMail (outside the transaction). */
  rendered?: NewMail,
): Promise<void> {
  // Registered without an address (by hand, a walk-in): nobody to write to.
  if (!registration.email) return;
  // Loaded through the caller's EntityManager: inside its transaction (SQLite has one connection).
  if (!event.sessions.isInitialized()) await em.populate(event, ['sessions']);
  const method = invitationOf(kind, registration);
  if (method) stampInvite(event, registration, method);
  const mail = rendered ?? renderRegistrationMail(registration, event, kind, settings, options);
  // A re-registration starts a new round (createdAt is reset): its emails are new causes; `cause` names
  // a change that may happen more than once in a round (a status changed back and forth).
  const round = `registration:${registration.id}:${kind}:${registration.createdAt.getTime()}`;
  const dedupeKey = options.cause ? `${round}:${options.cause}` : round;
  await enqueue(em, [{ ...mail, registration, dedupeKey }], settings);
}

/** What a registration's email says of it: the registration, or one about to be written. */
export type MailRecipient = Pick<
  Registration,
  'firstName' | 'lastName' | 'email' | 'locale' | 'token' | 'status' | 'group' | 'inviteSequence'
>;

/** The calendar a registration email carries: a confirmed attendee's invite, or its withdrawal; none on the waiting list. */
function invitationOf(kind: RegistrationMailKind, recipient: Pick<Registration, 'status'>): CalendarMethod | null {
  if (kind === 'confirmation' || kind === 'promotion') return 'REQUEST';
  // Moved from confirmed to the waiting list: the invite is withdrawn, whatever the status now says.
  if (kind === 'moved_to_waitlist') return 'CANCEL';
  return kind === 'cancellation' && recipient.status === 'confirmed' ? 'CANCEL' : null;
}

/**
 * The email of queueRegistrationMail, rendered but not stored (its dedupe key, which holds the
 * registration's id, is set when it is queued). The event's sessions must be loaded. A new
 * registration's email is rendered before its transaction, so that the transaction, which holds
 * SQLite's only connection, does nothing but write.
 */
export function renderRegistrationMail(
  recipient: MailRecipient,
  event: Event,
  kind: RegistrationMailKind,
  settings: MailSettings,
  options: { byOrganiser?: boolean } = {},
): NewMail {
  // Only the fields of MailRecipient are read below (names, address, language, token, status, group).
  const registration = recipient as Registration;
  const locale = mailLocale(registration.locale);
  const d = describer(event, locale);
  const t = d.t;
  const entries = inviteEntries(event, registration);
  const method = invitationOf(kind, registration);
  const withInvite = method !== null;
  const content: MailContent = {
    locale,
    subject: t(`mail.${kind}.subject`, { event: event.title }),
    greeting: t('mail.greeting', { name: registration.firstName }),
    paragraphs: [
      t(kind === 'cancellation' && options.byOrganiser ? 'mail.cancellation.byOrganiser' : `mail.${kind}.intro`, {
        event: event.title,
      }),
    ],
    details: d.details(),
    programme: withInvite && !withdrawsInvite(kind) ? d.programme(entries) : [],
    action: {
      label: t(kind === 'cancellation' ? 'mail.viewLink' : 'mail.manageLink'),
      url: manageUrl(settings, registration),
    },
    notes: withInvite ? [t(withdrawsInvite(kind) ? 'mail.cancelAttached' : 'mail.inviteAttached')] : [],
    footer: footer(event, settings, t),
  };
  if (kind === 'waitlisted' || kind === 'moved_to_waitlist') content.notes.push(t('mail.waitlisted.next'));
  // The caller stamped the invite (stampInvite): its SEQUENCE is above every earlier one of this person.
  const calendar = method ? { ics: calendarFor(event, registration, settings, method, entries), method } : undefined;
  return mailFor(event, registration, kind, '', content, calendar);
}

interface Entry {
  uid: string;
  signature: string;
  /** A copy of the session as it was, so a withdrawn one can still be described in a CANCEL. */
  session: EventSession | null;
}

function snapshotEntries(event: Event, registration: Registration, publicUrl: string): Map<string, Entry> {
  const map = new Map<string, Entry>();
  for (const session of inviteEntries(event, registration)) {
    const uid = sessionUid(event, session, publicUrl);
    const copy = session
      ? ({
          id: session.id,
          kind: session.kind,
          title: session.title,
          topic: session.topic,
          facilitator: session.facilitator,
          room: session.room,
          startsAt: session.startsAt,
          endsAt: session.endsAt,
        } as EventSession)
      : null;
    map.set(uid, { uid, signature: signature(event, session), session: copy });
  }
  return map;
}

/** Time and place of one VEVENT: what, when it changes, needs an update in the attendee's calendar. */
function signature(event: Event, session: EventSession | null): string {
  const start = session?.startsAt ?? event.startsAt;
  const end = session?.endsAt ?? event.endsAt;
  return [start.toISOString(), end.toISOString(), event.timezone, session?.room ?? '', event.venue, event.address].join(
    '|',
  );
}

export interface InviteWatch {
  /**
   * After the change is flushed (new sessions have ids): queues the updates and cancellations it
   * calls for. `cause` names the change in the dedupe keys; by default the event's new SEQUENCE
   * (a change that does not raise it, such as a group assignment, must name itself).
   */
  queueChanges(em: EntityManager, cause?: string): Promise<number>;
}

/** The events floor's ChangeAnnouncer: attendees hear of a change of times or places through their invites. */
export const announceByMail =
  (settings: MailSettings): ChangeAnnouncer =>
  (em, event) =>
    watchInvites(em, event, settings);

/**
 * Notes each confirmed attendee's invite before a programme change; then those with a moved or new session get an
 * update (REQUEST, same UIDs, new SEQUENCE; a cycle's holds only the moved meetings), those who lost one a CANCEL.
 */
export async function watchInvites(em: EntityManager, event: Event, settings: MailSettings): Promise<InviteWatch> {
  const registrations = await em.find(
    Registration,
    { event: event.id, status: 'confirmed' },
    { populate: ['group'], orderBy: { id: 'asc' } },
  );
  const before = new Map(registrations.map((r) => [r.id, snapshotEntries(event, r, settings.publicUrl)]));
  return {
    async queueChanges(tx, cause = `sequence:${event.sequence}`) {
      const mails: NewMail[] = [];
      for (const registration of registrations) {
        const previous = before.get(registration.id)!;
        const now = snapshotEntries(event, registration, settings.publicUrl);
        const diff = [...now.values()].filter((entry) => previous.get(entry.uid)?.signature !== entry.signature);
        const withdrawn = [...previous.values()].filter((entry) => !now.has(entry.uid));
        const key = `event:${event.id}:${cause}:registration:${registration.id}`;
        if (diff.length) mails.push(updateMail(event, registration, settings, `${key}:update`, movedOnly(event, diff)));
        if (withdrawn.length)
          mails.push(
            withdrawalMail(
              event,
              registration,
              settings,
              `${key}:session_cancelled`,
              withdrawn.map((e) => e.session),
            ),
          );
      }
      await enqueue(tx, mails, settings);
      await tx.flush();
      return mails.length;
    },
  };
}

export function updateMail(
  event: Event,
  registration: Registration,
  settings: MailSettings,
  dedupeKey: string,
  only?: (EventSession | null)[],
): NewMail {
  return inviteRequestMail(event, registration, settings, dedupeKey, 'update', { event: event.title }, only);
}

/**
 * An email carrying the person's invite as it is now (METHOD:REQUEST, stamped with their next SEQUENCE):
 * the update of a time or place, or the group email; `kind` picks the subject and first paragraph.
 */
export function inviteRequestMail(
  event: Event,
  registration: Registration,
  settings: MailSettings,
  dedupeKey: string,
  kind: 'update' | 'group',
  params: Record<string, string>,
  only?: (EventSession | null)[],
): NewMail {
  stampInvite(event, registration, 'REQUEST');
  const locale = mailLocale(registration.locale);
  const d = describer(event, locale);
  const t = d.t;
  const entries = only ?? inviteEntries(event, registration);
  const content: MailContent = {
    locale,
    subject: t(`mail.${kind}.subject`, params),
    greeting: t('mail.greeting', { name: registration.firstName }),
    paragraphs: [t(`mail.${kind}.intro`, params)],
    details: d.details(),
    programme: d.programme(entries),
    action: { label: t('mail.manageLink'), url: manageUrl(settings, registration) },
    notes: [t('mail.updateAttached')],
    footer: footer(event, settings, t),
  };
  return mailFor(event, registration, kind, dedupeKey, content, {
    ics: calendarFor(event, registration, settings, 'REQUEST', entries),
    method: 'REQUEST',
  });
}

/**
 * Sends each registration an update of its invite as it is now (METHOD:REQUEST, same UIDs);
 * `cause` names this sending in the dedupe keys.
 */
export async function queueInviteUpdates(
  em: EntityManager,
  event: Event,
  registrations: Registration[],
  settings: MailSettings,
  cause: string,
): Promise<number> {
  const mails = registrations
    .filter((r) => r.status === 'confirmed')
    .map((r) => updateMail(event, r, settings, `event:${event.id}:${cause}:registration:${r.id}:update`));
  await enqueue(em, mails, settings);
  return mails.length;
}

/** A CANCEL of some sessions of the invite (a session removed, a group left); the registration keeps its other entries. */
export function withdrawalMail(
  event: Event,
  registration: Registration,
  settings: MailSettings,
  dedupeKey: string,
  sessions: (EventSession | null)[],
): NewMail {
  const invitedGroupId = visibleGroup(event, registration)?.id ?? null;
  stampInvite(event, registration, 'CANCEL');
  registration.invitedGroupId = invitedGroupId;
  const locale = mailLocale(registration.locale);
  const d = describer(event, locale);
  const t = d.t;
  const content: MailContent = {
    locale,
    subject: t('mail.session_cancelled.subject', { event: event.title }),
    greeting: t('mail.greeting', { name: registration.firstName }),
    paragraphs: [t('mail.session_cancelled.intro', { event: event.title })],
    details: [],
    programme: d.programme(sessions),
    action: { label: t('mail.manageLink'), url: manageUrl(settings, registration) },
    notes: [t('mail.cancelAttached')],
    footer: footer(event, settings, t),
  };
  return mailFor(event, registration, 'session_cancelled', dedupeKey, content, {
    ics: calendarFor(event, registration, settings, 'CANCEL', sessions),
    method: 'CANCEL',
  });
}

/** How many confirmed attendees a change of this session (or of the whole event) would notify. */
export async function attendeesConcerned(
  em: EntityManager,
  event: Event,
  session?: EventSession | null,
): Promise<number> {
  const where: Record<string, unknown> = { event: event.id, status: 'confirmed' };
  if (session && session.kind === 'breakout') where.group = session.id;
  return em.count(Registration, where);
}
