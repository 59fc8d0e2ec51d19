import type { EntityManager } from '@mikro-orm/core';
import { EventMember, type NotifyChoice } from '../access/event-member.entity.js';
import { eachChangeRecipients } from '../access/access.service.js';
import type { Event } from '../events/event.entity.js';
import { registrationWindow } from '../events/event-rules.js';
import { structureTypeLabel } from '../events/structure-types.js';
import type { Locale } from '../i18n/i18n.js';
import type { Organiser } from '../organisers/organiser.entity.js';
import { Registration } from '../registrations/registration.entity.js';
import { type MailContent, describer, renderMail } from './mail.render.js';
import { type MailSettings, type NewMail, enqueue } from './outbox.service.js';

/**
 * What the event's team is told of registrations. Each member chooses, per event: an email at each
 * registration and cancellation (`each`), a daily digest (`digest`) or nothing (`none`). Until they
 * choose, owners get the digest while registration is open and the others nothing.
 */

// Organisers have no language setting: the interface's first language.
const ORGANISER_LOCALE: Locale = 'fr';
const DAY_MS = 24 * 3600_000;

/** A member's choice, the default applied (the digest's "while registration is open" is the job's). */
export function notifyChoice(member: { notify?: NotifyChoice | null; role: string }): NotifyChoice {
  return member.notify ?? (member.role === 'owner' ? 'digest' : 'none');
}

export type RegistrationChange = 'registered' | 'cancelled';

function organiserMail(
  event: Event,
  organiser: { email: string; name: string },
  kind: 'organiser_notice' | 'organiser_digest',
  dedupeKey: string,
  content: MailContent,
  registration: Registration | null = null,
): NewMail {
  return {
    event,
    // A notice about one person is theirs: their access request shows it, their erasure deletes it.
    registration,
    kind,
    dedupeKey,
    recipient: organiser.email,
    recipientName: organiser.name,
    locale: content.locale,
    subject: content.subject,
    ...renderMail(content),
  };
}

function preferencesAction(event: Event, settings: MailSettings, t: (key: string) => string) {
  return {
    label: t('mail.organiser.preferences'),
    url: `${settings.publicUrl}/admin/events/${event.id}/emails#notify`,
  };
}

/**
 * In the registration's (or cancellation's) transaction: an email to each member who chose `each`.
 * The key holds the registration's change time, so a later registration again is told again.
 */
export async function queueOrganiserNotices(
  em: EntityManager,
  event: Event,
  registration: Registration,
  change: RegistrationChange,
  settings: MailSettings,
): Promise<void> {
  const members = await eachChangeRecipients(em, event.id);
  if (!members.length) return;
  const { t } = describer(event, ORGANISER_LOCALE);
  const name = `${registration.firstName} ${registration.lastName}`;
  const state = change === 'cancelled' ? 'cancelled' : registration.status;
  const mails = members.map((member) =>
    organiserMail(
      event,
      member,
      'organiser_notice',
      `organiser:${member.memberId}:registration:${registration.id}:${change}:${registration.updatedAt.getTime()}`,
      {
        locale: ORGANISER_LOCALE,
        subject: t(`mail.organiser.${change}.subject`, { name, event: event.title }),
        greeting: t('mail.greetingNoName'),
        paragraphs: [t(`mail.organiser.${change}.intro`, { name, event: event.title })],
        details: [
          { label: t('mail.organiser.organisation'), value: registration.organisation },
          {
            label: t('mail.organiser.structureType'),
            value: structureTypeLabel(event.structureTypes, registration.structureType),
          },
          { label: t('mail.organiser.status'), value: t(`mail.organiser.states.${state}`) },
        ],
        programme: [],
        action: {
          label: t('mail.organiser.open'),
          url: `${settings.publicUrl}/admin/events/${event.id}/registrations/${registration.id}`,
        },
        notes: [`${t('mail.organiser.preferences')} : ${preferencesAction(event, settings, t).url}`],
        footer: t('mail.organiser.footer', { event: event.title }),
      },
      registration,
    ),
  );
  await enqueue(em, mails, settings);
}

/** The digest of one event for the last day, or null when nothing happened. */
async function digestContent(em: EntityManager, event: Event, settings: MailSettings, now: Date) {
  const since = new Date(now.getTime() - DAY_MS);
  const [registered, cancelled] = await Promise.all([
    em.find(Registration, { event: event.id, createdAt: { $gte: since, $lt: now } }, { orderBy: { id: 'asc' } }),
    em.find(
      Registration,
      { event: event.id, status: 'cancelled', updatedAt: { $gte: since, $lt: now } },
      { orderBy: { id: 'asc' } },
    ),
  ]);
  if (!registered.length && !cancelled.length) return null;
  const { t } = describer(event, ORGANISER_LOCALE);
  const row = (r: Registration, state: string) => ({
    label: `${r.firstName} ${r.lastName}`,
    value: `${r.organisation} · ${t(`mail.organiser.states.${state}`)}`,
  });
  const content: MailContent = {
    locale: ORGANISER_LOCALE,
    subject: t('mail.organiser.digest.subject', { event: event.title }),
    greeting: t('mail.greetingNoName'),
    paragraphs: [
      t('mail.organiser.digest.intro', {
        registered: t('mail.organiser.digest.registered', { count: registered.length }),
        cancelled: t('mail.organiser.digest.cancelled', { count: cancelled.length }),
        confirmed: t('mail.organiser.digest.confirmed', { count: event.confirmedCount }),
      }),
    ],
    details: [
      ...registered.filter((r) => r.status !== 'cancelled').map((r) => row(r, r.status)),
      ...cancelled.map((r) => row(r, 'cancelled')),
    ],
    programme: [],
    action: { label: t('mail.organiser.openList'), url: `${settings.publicUrl}/admin/events/${event.id}` },
    notes: [`${t('mail.organiser.preferences')} : ${preferencesAction(event, settings, t).url}`],
    footer: t('mail.organiser.footer', { event: event.title }),
  };
  return content;
}

/**
 * The daily digest (a scheduled job, once a day): to each member who chose it, or an owner who did
 * not choose while registration is open, what happened in the last 24 hours; nothing on a quiet day.
 */
export async function queueDigests(em: EntityManager, settings: MailSettings, now: Date): Promise<number> {
  const day = now.toISOString().slice(0, 10);
  const members = await em.find(
    EventMember,
    { $or: [{ notify: 'digest' }, { notify: null, role: 'owner' }] },
    { populate: ['event', 'organiser'], orderBy: { event: 'asc', id: 'asc' } },
  );
  const byEvent = new Map<number, { event: Event; members: typeof members }>();
  for (const member of members) {
    const event = member.event as unknown as Event;
    if (member.notify === null && registrationWindow(event, now) !== 'open') continue;
    if (event.endsAt.getTime() < now.getTime() - DAY_MS) continue;
    const entry = byEvent.get(event.id) ?? { event, members: [] };
    entry.members.push(member);
    byEvent.set(event.id, entry);
  }
  let queued = 0;
  for (const { event, members: team } of byEvent.values()) {
    const content = await digestContent(em, event, settings, now);
    if (!content) continue;
    const mails = team.map((member) =>
      organiserMail(
        event,
        member.organiser as unknown as Organiser,
        'organiser_digest',
        `organiser:${member.id}:digest:${day}`,
        content,
      ),
    );
    await enqueue(em, mails, settings);
    queued += mails.length;
  }
  return queued;
}
