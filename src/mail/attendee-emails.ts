import type { EntityManager } from '@mikro-orm/core';
import { EventMember, type NotifyChoice } from '../access/event-member.entity.js';
import { forgetTeams } from '../access/access.service.js';
import type { Event } from '../events/event.entity.js';
import { Registration } from '../registrations/registration.entity.js';
import { groupMail } from './group-mail.js';
import { updateMail } from './notifications.js';
import { notifyChoice } from './organiser-notices.js';
import type { MailKind, OutboxStatus } from './outbox.entity.js';
import type { MailSettings, NewMail } from './outbox.service.js';
import { reminderDueAt, renderReminder, renderThankYou } from './reminders.js';

/** The emails organisers can look at before they first go out. */
export const PREVIEW_KINDS = ['reminder', 'group', 'thank_you'] as const;
export type PreviewKind = (typeof PREVIEW_KINDS)[number];

/** Every email an attendee can get, in the order of an edition's life. */
const CATALOGUE: { kind: MailKind; preview?: PreviewKind }[] = [
  { kind: 'invitation' },
  { kind: 'confirmation' },
  { kind: 'waitlisted' },
  { kind: 'promotion' },
  { kind: 'group', preview: 'group' },
  { kind: 'update' },
  { kind: 'session_cancelled' },
  { kind: 'reminder', preview: 'reminder' },
  { kind: 'cancellation' },
  { kind: 'message' },
  { kind: 'private_link' },
  { kind: 'thank_you', preview: 'thank_you' },
  { kind: 'materials' },
  { kind: 'survey' },
];

export interface CatalogueEntry {
  kind: MailKind;
  /** Emails of this kind stored for the event, by status. */
  counts: Record<OutboxStatus, number>;
  /** What is planned: a locale key under `admin.emails.plan.` and its date, if any. */
  plan: { key: string; at: Date | null } | null;
  preview: PreviewKind | null;
}

function planOf(event: Event, kind: MailKind): CatalogueEntry['plan'] {
  if (kind === 'reminder')
    return event.reminderDaysBefore == null
      ? { key: 'reminderOff', at: null }
      : { key: 'reminderAt', at: reminderDueAt(event) };
  if (kind === 'thank_you')
    return event.thankYouText ? { key: 'thankYouAt', at: event.endsAt } : { key: 'thankYouOff', at: null };
  // Sent by hand from the survey page, once per person.
  if (kind === 'survey') return { key: 'surveyByHand', at: null };
  if (kind === 'update')
    return event.assignmentsPublishedAt
      ? { key: 'groupsPublished', at: event.assignmentsPublishedAt }
      : { key: 'groupsNotPublished', at: null };
  return null;
}

/** The event's attendee emails with what was stored of each kind and what is planned. */
export async function attendeeEmailCatalogue(em: EntityManager, event: Event): Promise<CatalogueEntry[]> {
  const rows: { kind: MailKind; status: OutboxStatus; count: number | string }[] = await em
    .getConnection()
    .execute(
      'select kind, status, count(*) as count from outbox_message where event_id = ? group by kind, status',
      [event.id],
      'all',
      em.getTransactionContext(),
    );
  // Invitations are listed for an event by invitation, or once some went out.
  const listed = CATALOGUE.filter(
    ({ kind }) => kind !== 'invitation' || event.registrationMode === 'invitation' || rows.some((r) => r.kind === kind),
  );
  return listed.map(({ kind, preview }) => {
    const counts: Record<OutboxStatus, number> = { pending: 0, sending: 0, sent: 0, failed: 0 };
    for (const row of rows) if (row.kind === kind) counts[row.status] = Number(row.count);
    return { kind, counts, plan: planOf(event, kind), preview: preview ?? null };
  });
}

/**
 * An email as it would go to one attendee now: the first confirmed one (with a group for the group
 * email, present for the thank-you, when there is one), or an example person. Nothing is stored.
 */
export async function previewMail(
  em: EntityManager,
  event: Event,
  kind: PreviewKind,
  settings: MailSettings,
): Promise<NewMail> {
  await em.populate(event, ['sessions']);
  const where: Record<string, unknown> = { event: event.id, status: 'confirmed', email: { $ne: '' } };
  if (kind === 'group') where.group = { $ne: null };
  if (kind === 'thank_you') where.checkedInAt = { $ne: null };
  const found = await em.findOne(Registration, where, { populate: ['group'], orderBy: { id: 'asc' } });
  // Rendering stamps the invite it attaches (its SEQUENCE, the group it holds): a preview stamps a
  // stand-in whose own fields shadow the registration's, so nothing of the real person changes.
  const person =
    (found && (Object.create(found) as Registration)) ??
    em.create(
      Registration,
      {
        event,
        token: 'exemple',
        firstName: 'Camille',
        lastName: 'Exemple',
        email: 'camille.exemple@exemple.fr',
        emailKey: 'camille.exemple@exemple.fr',
        organisation: '',
        structureType: '',
        status: 'confirmed',
        answers: {},
        group: null,
        locale: 'fr',
        consentAt: new Date(),
        createdAt: new Date(),
        updatedAt: new Date(),
      },
      { persist: false },
    );
  if (kind === 'reminder') return renderReminder(event, person, settings);
  if (kind === 'thank_you') return renderThankYou(event, person, settings);
  return person.group ? groupMail(event, person, settings, 'preview') : updateMail(event, person, settings, 'preview');
}

/** The signed-in member's choice of what they are told of registrations, with its default applied. */
export async function myNotifyChoice(em: EntityManager, event: Event, organiserId: number): Promise<NotifyChoice> {
  const member = await em.findOne(EventMember, { event: event.id, organiser: organiserId });
  return member ? notifyChoice(member) : 'none';
}

export async function setNotifyChoice(
  em: EntityManager,
  event: Event,
  organiserId: number,
  choice: NotifyChoice,
): Promise<void> {
  await em.nativeUpdate(EventMember, { event: event.id, organiser: organiserId }, { notify: choice });
  forgetTeams(em);
}
