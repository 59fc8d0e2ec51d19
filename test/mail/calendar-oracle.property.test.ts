import fc from 'fast-check';
import t from 'tap';
import type { EntityManager } from '@mikro-orm/core';
import { AppError } from '../../src/errors.js';
import type { Event, EventSession } from '../../src/events/event.entity.js';
import type { SessionInput } from '../../src/events/event-rules.js';
import { findEvent, removeSession, updateEvent, updateSession } from '../../src/events/event.service.js';
import { autoAssign, moveToGroup, publishAssignments } from '../../src/groups/groups.service.js';
import { announceByMail } from '../../src/mail/notifications.js';
import { createMailTransport, drainOutbox } from '../../src/mail/outbox.worker.js';
import { Registration } from '../../src/registrations/registration.entity.js';
import { cancel, register } from '../../src/registrations/registration.service.js';
import { PUBLIC_URL, buildTestApp } from '../support/app.js';
import { attendee, openEvent } from '../support/events.js';
import { parseCalendar } from '../support/ical.js';
import { type ReceivedMail, TestSmtpServer, calendarOf } from '../support/smtp.js';

/**
 * The oracle of what attendees receive. Random sequences of what happens to a small event
 * (registrations, cancellations, re-registrations, promotions from the waiting list, automatic and
 * manual assignment, publication once or twice, sessions changed or removed, the event moved) run
 * against the service with a real SMTP server. Each attendee's mailbox is then replayed the way a
 * calendar client applies iTIP (RFC 5546), and the calendar it builds must hold exactly what the
 * service says of them: nothing unless confirmed; the plenaries and, once published, their group's
 * session, at the current times and places. And no email is one too many.
 */

const smtp = await TestSmtpServer.start();
t.teardown(() => smtp.stop());
const { app, orm, config } = await buildTestApp(t, {
  SMTP_URL: smtp.url,
  MAIL_FROM: 'atelier@atelier.test',
  MAIL_WORKER: 'false',
});
const transport = createMailTransport(config.mail);
t.teardown(() => transport.close?.());
const settings = app.mail.settings;
const announce = announceByMail(settings);
const em = () => orm.em.fork();
const HOUR = 3600_000;
const PEOPLE = 5;
const TYPES = ['travailleur-social', 'association', 'bailleur-social'];

type Action =
  | { kind: 'register'; person: number }
  | { kind: 'cancel'; person: number; byOrganiser: boolean }
  | { kind: 'auto'; mode: 'unassigned' | 'all' }
  | { kind: 'move'; person: number; group: number | null }
  | { kind: 'publish' }
  | { kind: 'session'; index: number; change: 'time' | 'room' }
  | { kind: 'remove'; index: number }
  | { kind: 'moveEvent'; change: 'place' | 'day' }
  | { kind: 'deliver' };

const person = fc.integer({ min: 0, max: PEOPLE - 1 });
const action: fc.Arbitrary<Action> = fc.oneof(
  { weight: 5, arbitrary: person.map((p) => ({ kind: 'register' as const, person: p })) },
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant('cancel' as const), person, byOrganiser: fc.boolean() }),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom('unassigned' as const, 'all' as const).map((mode) => ({ kind: 'auto' as const, mode })),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('move' as const),
      person,
      group: fc.option(fc.integer({ min: 0, max: 1 }), { nil: null }),
    }),
  },
  { weight: 2, arbitrary: fc.constant({ kind: 'publish' as const }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('session' as const),
      index: fc.integer({ min: 0, max: 2 }),
      change: fc.constantFrom('time' as const, 'room' as const),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('remove' as const), index: fc.integer({ min: 0, max: 2 }) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('moveEvent' as const),
      change: fc.constantFrom('place' as const, 'day' as const),
    }),
  },
  { weight: 2, arbitrary: fc.constant({ kind: 'deliver' as const }) },
);

let run = 0;
const addressOf = (r: number, p: number) => `oracle${r}-${p}@exemple.fr`;

function sessionInput(s: EventSession, change: Partial<SessionInput> = {}): SessionInput {
  return {
    id: s.id,
    kind: s.kind,
    title: s.title,
    topic: s.topic,
    facilitator: s.facilitator,
    room: s.room,
    startsAt: s.startsAt,
    endsAt: s.endsAt,
    capacity: s.capacity,
    ...change,
  };
}

/** Runs one action; refusals the service is right to give (already registered, group full…) are not failures. */
async function apply(eventId: number, r: number, a: Action, step: number): Promise<void> {
  const fork = em();
  const event = await findEvent(fork, eventId);
  const sessions = event.sessions.getItems();
  const groups = sessions.filter((s) => s.kind === 'breakout');
  const mine = (p: number) =>
    fork.findOne(Registration, { event: eventId, emailKey: addressOf(r, p) }, { populate: ['group'] });
  try {
    switch (a.kind) {
      case 'register':
        await register(
          fork,
          event,
          { ...attendee(a.person, TYPES[a.person % TYPES.length]), email: addressOf(r, a.person) },
          { mail: settings },
        );
        break;
      case 'cancel': {
        const reg = await mine(a.person);
        if (reg) await cancel(fork, reg, { mail: settings, byOrganiser: a.byOrganiser });
        break;
      }
      case 'auto':
        await autoAssign(fork, event, a.mode, settings);
        break;
      case 'move': {
        const reg = await mine(a.person);
        const group = a.group === null ? null : groups[a.group];
        if (reg && group !== undefined) await moveToGroup(fork, event, reg.id, group?.id ?? null, { mail: settings });
        break;
      }
      case 'publish':
        await publishAssignments(fork, event, settings);
        break;
      case 'session': {
        const s = sessions[a.index];
        if (!s) break;
        const change =
          a.change === 'room'
            ? { room: `Salle ${step}` }
            : {
                startsAt: new Date(s.startsAt.getTime() + 15 * 60_000),
                endsAt: new Date(s.endsAt.getTime() + 15 * 60_000),
              };
        // Kept inside the event's hours: a session past the end is refused, and that is not what is tested here.
        if (change.endsAt && change.endsAt > event.endsAt) break;
        await updateSession(fork, event, s, sessionInput(s, change), { announce });
        break;
      }
      case 'remove': {
        const s = sessions[a.index];
        if (s) await removeSession(fork, event, s, { announce });
        break;
      }
      case 'moveEvent': {
        if (a.change === 'place') {
          await updateEvent(
            fork,
            event,
            { venue: `Lieu ${step}`, address: `${step} rue du Test, Angers` },
            { announce },
          );
          break;
        }
        const shift = (d: Date) => new Date(d.getTime() + 24 * HOUR);
        await updateEvent(
          fork,
          event,
          {
            startsAt: shift(event.startsAt),
            endsAt: shift(event.endsAt),
            sessions: sessions.map((s) => sessionInput(s, { startsAt: shift(s.startsAt), endsAt: shift(s.endsAt) })),
          },
          { announce },
        );
        break;
      }
      case 'deliver':
        await drainOutbox(orm, transport);
        break;
    }
  } catch (error) {
    if (!(error instanceof AppError) || error.statusCode >= 500) throw error;
  }
}

interface Held {
  sequence: number;
  cancelled: boolean;
  start: number;
  end: number;
  location: string;
}

/**
 * A calendar client's view of one mailbox (RFC 5546 3.2.2 and 3.2.5): a REQUEST adds or replaces
 * the event of its UID unless its SEQUENCE is lower than the one held (or not above a CANCEL's);
 * a CANCEL removes it unless its SEQUENCE is lower.
 */
function replay(mails: ReceivedMail[]): { calendar: Map<string, Held>; noOps: string[] } {
  const calendar = new Map<string, Held>();
  const noOps: string[] = [];
  for (const mail of mails) {
    if (!mail.parsed.attachments.some((a) => a.contentType === 'text/calendar')) continue;
    const { method, events } = parseCalendar(calendarOf(mail));
    const before = JSON.stringify(
      [...calendar].filter(([, h]) => !h.cancelled).map(([u, h]) => [u, h.start, h.end, h.location]),
    );
    for (const e of events) {
      const held = calendar.get(e.uid);
      if (held && (e.sequence < held.sequence || (held.cancelled && e.sequence === held.sequence))) continue;
      calendar.set(e.uid, {
        sequence: e.sequence,
        cancelled: method === 'CANCEL',
        start: e.start.getTime(),
        end: e.end.getTime(),
        location: e.location,
      });
    }
    const after = JSON.stringify(
      [...calendar].filter(([, h]) => !h.cancelled).map(([u, h]) => [u, h.start, h.end, h.location]),
    );
    if (before === after) noOps.push(`${method} "${mail.parsed.subject}"`);
  }
  return { calendar, noOps };
}

/** What the service says the person's calendar should hold, from the database alone. */
function expected(event: Event, registration: Registration | null): Map<string, Omit<Held, 'sequence' | 'cancelled'>> {
  const map = new Map<string, Omit<Held, 'sequence' | 'cancelled'>>();
  if (registration?.status !== 'confirmed') return map;
  const host = new URL(PUBLIC_URL).hostname;
  const sessions = event.sessions.getItems();
  const shown = sessions.filter(
    (s) =>
      s.kind === 'plenary' ||
      (event.assignmentsPublishedAt != null && s.kind === 'breakout' && s.id === registration.group?.id),
  );
  const place = (room: string) => [room, event.venue, event.address].filter(Boolean).join(', ');
  // The event itself stands in when the invite holds no session at all.
  if (!shown.length)
    map.set(`atelier-event-${event.id}@${host}`, {
      start: event.startsAt.getTime(),
      end: event.endsAt.getTime(),
      location: place(''),
    });
  for (const s of shown)
    map.set(`atelier-event-${event.id}-session-${s.id}@${host}`, {
      start: s.startsAt.getTime(),
      end: s.endsAt.getTime(),
      location: place(s.room),
    });
  return map;
}

async function check(eventId: number, r: number, actions: Action[]): Promise<void> {
  await drainOutbox(orm, transport);
  const fork: EntityManager = em();
  const event = await findEvent(fork, eventId);
  for (let p = 0; p < PEOPLE; p++) {
    const address = addressOf(r, p);
    const registration = await fork.findOne(
      Registration,
      { event: eventId, emailKey: address },
      { populate: ['group'] },
    );
    const mails = smtp.to(address);
    const { calendar, noOps } = replay(mails);
    const held = Object.fromEntries(
      [...calendar]
        .filter(([, h]) => !h.cancelled)
        .map(([uid, h]) => [uid, { start: h.start, end: h.end, location: h.location }]),
    );
    const want = Object.fromEntries(expected(event, registration));
    const context = `person ${p} (${registration?.status ?? 'never registered'}), after ${JSON.stringify(actions)}`;
    const sortedHeld = JSON.stringify(Object.entries(held).sort());
    const sortedWant = JSON.stringify(Object.entries(want).sort());
    if (sortedHeld !== sortedWant)
      throw new Error(
        `calendar of ${context}:\n held ${sortedHeld}\n want ${sortedWant}\n mails ${mails.map((m) => m.parsed.subject).join(' | ')}`,
      );
    if (noOps.length) throw new Error(`emails that changed nothing in the calendar of ${context}: ${noOps.join(', ')}`);
    const ids = mails.map((m) => m.parsed.messageId);
    if (new Set(ids).size !== ids.length) throw new Error(`the same email twice to ${context}`);
  }
}

t.test('every attendee calendar, replayed from their mailbox, is what the service says', async (t) => {
  await fc.assert(
    fc.asyncProperty(fc.array(action, { minLength: 4, maxLength: 14 }), async (actions) => {
      const r = run++;
      const start = new Date(Date.now() + 30 * 24 * HOUR);
      start.setUTCHours(8, 0, 0, 0);
      const at = (h: number) => new Date(start.getTime() + h * HOUR);
      const event = await openEvent(em(), {
        capacity: 3,
        startsAt: at(0),
        endsAt: at(6),
        sessions: [
          { kind: 'plenary', title: 'Plénière', room: 'Grande salle', startsAt: at(0), endsAt: at(1.5) },
          {
            kind: 'breakout',
            title: 'Groupe 1',
            room: 'Salle 1',
            facilitator: 'Alisée',
            startsAt: at(2),
            endsAt: at(4),
            capacity: 2,
          },
          {
            kind: 'breakout',
            title: 'Groupe 2',
            room: 'Salle 2',
            facilitator: 'CCAS',
            startsAt: at(2),
            endsAt: at(4),
            capacity: 2,
          },
        ],
      });
      let step = 0;
      for (const a of actions) await apply(event.id, r, a, step++);
      await check(event.id, r, actions);
    }),
    {
      numRuns: Number(process.env.ORACLE_RUNS ?? 25),
      seed: process.env.ORACLE_SEED ? Number(process.env.ORACLE_SEED) : undefined,
      endOnFailure: true,
    },
  );
  t.pass('every replayed calendar matched');
});
