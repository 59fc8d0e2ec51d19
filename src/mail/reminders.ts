import type { EntityManager } from '@mikro-orm/core';
import { buildCalendar } from '../calendar/ics.js';
import { Event } from '../events/event.entity.js';
import { Registration } from '../registrations/registration.entity.js';
import { type MailContent, describer, mailLocale } from './mail.render.js';
import { type MailKind, OutboxMessage } from './outbox.entity.js';
import { footer, inviteEntries, mailFor, manageUrl } from './notifications.js';
import { type MailSettings, type NewMail, enqueue, senderOf } from './outbox.service.js';

/**
 * The emails the scheduled jobs send attendees: the reminder before the event and the organiser's
 * thank-you after it. Each is queued once per person (its dedupe key names the registration), so a
 * job that runs again, or catches up on a period another instance missed, never sends it twice.
 */

const DAY_MS = 24 * 3600_000;
/** A thank-you is not sent for an event that ended longer ago than this (the job catches up within it). */
const THANK_YOU_WINDOW_MS = 30 * DAY_MS;

/** When the event's reminder is due, or null when it has none. */
export function reminderDueAt(event: Pick<Event, 'startsAt' | 'reminderDaysBefore'>): Date | null {
  return event.reminderDaysBefore == null
    ? null
    : new Date(event.startsAt.getTime() - event.reminderDaysBefore * DAY_MS);
}

/** A map of the event's place: an OpenStreetMap search of its venue and address. */
export function mapUrl(event: Pick<Event, 'venue' | 'address'>): string | null {
  const place = [event.venue, event.address].filter(Boolean).join(', ');
  return place ? `https://www.openstreetmap.org/search?query=${encodeURIComponent(place)}` : null;
}

/** The reminder: time, place and map, the programme (their group once published), their link and the invite. */
export function renderReminder(event: Event, registration: Registration, settings: MailSettings): NewMail {
  const locale = mailLocale(registration.locale);
  const d = describer(event, locale);
  const t = d.t;
  const entries = inviteEntries(event, registration);
  const details = d.details();
  const map = mapUrl(event);
  if (map) details.push({ label: t('mail.reminder.map'), value: t('mail.reminder.mapLink'), url: map });
  const content: MailContent = {
    locale,
    subject: t('mail.reminder.subject', { event: event.title }),
    greeting: t('mail.greeting', { name: registration.firstName }),
    paragraphs: [t('mail.reminder.intro', { event: event.title, when: d.when })],
    details,
    programme: d.programme(entries),
    action: { label: t('mail.manageLink'), url: manageUrl(settings, registration) },
    notes: [t('mail.inviteAttached'), t('mail.reminder.cannotCome')],
    footer: footer(event, settings, t),
  };
  const sender = senderOf(event, settings);
  const ics = buildCalendar(event, {
    publicUrl: settings.publicUrl,
    registration,
    method: 'REQUEST',
    sessions: entries,
    organiserEmail: sender.organiserEmail,
    organiserName: sender.organiserName,
  });
  return mailFor(event, registration, 'reminder', `registration:${registration.id}:reminder`, content, {
    ics,
    method: 'REQUEST',
  });
}

/** The organiser's thank-you, their text as they wrote it (paragraphs at blank lines). */
export function renderThankYou(event: Event, registration: Registration, settings: MailSettings): NewMail {
  const locale = mailLocale(registration.locale);
  const t = describer(event, locale).t;
  const content: MailContent = {
    locale,
    subject: t('mail.thank_you.subject', { event: event.title }),
    greeting: t('mail.greeting', { name: registration.firstName }),
    paragraphs: event.thankYouText
      .split(/\n\s*\n/)
      .map((p) => p.trim())
      .filter(Boolean),
    details: [],
    programme: [],
    action: null,
    notes: [],
    footer: footer(event, settings, t),
  };
  return mailFor(event, registration, 'thank_you', `registration:${registration.id}:thank_you`, content);
}

/**
 * Confirmed registrations with an address (a walk-in may have none), their group loaded, that have
 * not had this email yet: each run renders only what is still to send.
 */
async function recipients(em: EntityManager, event: Event, kind: MailKind, where: Record<string, unknown> = {}) {
  const people = await em.find(
    Registration,
    { event: event.id, status: 'confirmed', email: { $ne: '' }, ...where },
    { populate: ['group'], orderBy: { id: 'asc' } },
  );
  const sent = await em.find(OutboxMessage, { event: event.id, kind }, { fields: ['dedupeKey'] });
  const done = new Set(sent.map((m) => m.dedupeKey));
  return people.filter((r) => !done.has(`registration:${r.id}:${kind}`));
}

/**
 * Queues the reminders that are due: events (published or closed) whose start is ahead and whose
 * reminder time has come. People who registered after that time are left out: their confirmation,
 * a moment ago, said it all. Cancelled and waiting people are never reminded.
 */
export async function queueDueReminders(em: EntityManager, settings: MailSettings, now: Date): Promise<number> {
  const events = await em.find(
    Event,
    { status: { $ne: 'draft' }, reminderDaysBefore: { $ne: null }, startsAt: { $gt: now } },
    { populate: ['sessions'] },
  );
  let queued = 0;
  for (const event of events) {
    const due = reminderDueAt(event)!;
    if (due > now) continue;
    const people = await recipients(em, event, 'reminder', { createdAt: { $lt: due } });
    await enqueue(
      em,
      people.map((r) => renderReminder(event, r, settings)),
      settings,
    );
    queued += people.length;
  }
  return queued;
}

/** Queues the thank-you of events that ended (within the last 30 days) to the people marked present. */
export async function queueThankYous(em: EntityManager, settings: MailSettings, now: Date): Promise<number> {
  const events = await em.find(Event, {
    thankYouText: { $ne: '' },
    endsAt: { $lte: now, $gt: new Date(now.getTime() - THANK_YOU_WINDOW_MS) },
  });
  let queued = 0;
  for (const event of events) {
    const people = await recipients(em, event, 'thank_you', { checkedInAt: { $ne: null } });
    await enqueue(
      em,
      people.map((r) => renderThankYou(event, r, settings)),
      settings,
    );
    queued += people.length;
  }
  return queued;
}
