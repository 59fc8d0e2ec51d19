import { type InferEntity, defineEntity, p } from '@mikro-orm/core';

export type EventStatus = 'draft' | 'published' | 'closed';
export type SessionKind = 'plenary' | 'breakout';
/** Who may register: anyone while registration is open, or only the people the organisers invite (src/cycles). */
export type RegistrationMode = 'open' | 'invitation';

export interface StructureType {
  key: string;
  label: string;
  /** Key of the event's side this type belongs to; missing: its default (src/events/sides.ts). */
  side?: string;
}

/** A side (volet) of the work: social, economic, technical… */
export interface Side {
  key: string;
  label: string;
}

export const Event = defineEntity({
  name: 'Event',
  properties: {
    id: p.integer().primary().autoincrement(),
    slug: p.string().length(80).unique(),
    title: p.string().length(200),
    description: p
      .text()
      .default('')
      .onCreate(() => ''),
    venue: p
      .string()
      .length(200)
      .default('')
      .onCreate(() => ''),
    address: p
      .string()
      .length(400)
      .default('')
      .onCreate(() => ''),
    timezone: p
      .string()
      .length(64)
      .default('Europe/Paris')
      .onCreate(() => 'Europe/Paris'),
    startsAt: p.datetime(),
    endsAt: p.datetime(),
    /** Total seats; null means unlimited. */
    capacity: p.integer().nullable(),
    /** Confirmed registrations, kept by the database in the same statement that checks capacity. */
    confirmedCount: p
      .integer()
      .default(0)
      .onCreate(() => 0),
    status: p
      .string()
      .$type<EventStatus>()
      .length(16)
      .index()
      .default('draft')
      .onCreate(() => 'draft' as const),
    registrationOpensAt: p.datetime().nullable(),
    registrationMode: p
      .string()
      .$type<RegistrationMode>()
      .length(16)
      .default('open')
      .onCreate(() => 'open' as const),
    registrationClosesAt: p.datetime().nullable(),
    structureTypes: p.json<StructureType[]>().onCreate(() => []),
    /** The sides (volets) the groups mix; null: the defaults (read through sidesOf in src/events/sides.ts). */
    sides: p.json<Side[]>().nullable(),
    /** Sender name of the emails to attendees (the address is MAIL_FROM's); empty: MAIL_FROM's name. */
    organiserName: p
      .string()
      .length(200)
      .default('')
      .onCreate(() => ''),
    /** Where attendees' replies go (Reply-To, and ORGANIZER of the invites); empty: MAIL_FROM. */
    replyTo: p
      .string()
      .length(254)
      .default('')
      .onCreate(() => ''),
    /** Key shared by the editions of a recurring event (e.g. "atelier-solidarite"), for year-by-year comparisons. */
    series: p.string().length(80).nullable().index(),
    /** Bumped when times or places change, so calendar clients move the meeting (iCalendar SEQUENCE). */
    sequence: p
      .integer()
      .default(0)
      .onCreate(() => 0),
    /** When the breakout group assignments were published to attendees; null while they are a draft. */
    assignmentsPublishedAt: p.datetime().nullable(),
    /** Partner sites (https origins) allowed to frame this event's embed pages, besides FRAME_ANCESTORS (src/embed). */
    partnerOrigins: p.json<string[]>().nullable(),
    /** Months after the event's end during which registrations keep their personal data; then they are anonymised (src/privacy). */
    retentionMonths: p
      .integer()
      .default(12)
      .onCreate(() => 12),
    /**
     * Days before the start when confirmed attendees are reminded (src/mail/reminders.ts); null: no
     * reminder. No onCreate: it would replace an explicit null (persistNewEvent sets the default).
     */
    reminderDaysBefore: p.integer().nullable().default(2),
    /** The organiser's thank-you sent after the event to the people marked present; empty: none is sent. */
    thankYouText: p
      .text()
      .default('')
      .onCreate(() => ''),
    sessions: () => p.oneToMany(EventSession).mappedBy('event').orderBy({ position: 'asc', id: 'asc' }),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()),
  },
});

export type Event = InferEntity<typeof Event>;

export const EventSession = defineEntity({
  name: 'EventSession',
  tableName: 'event_session',
  properties: {
    id: p.integer().primary().autoincrement(),
    event: () => p.manyToOne(Event).deleteRule('cascade'),
    kind: p.string().$type<SessionKind>().length(16),
    title: p.string().length(200),
    topic: p
      .text()
      .default('')
      .onCreate(() => ''),
    facilitator: p
      .string()
      .length(200)
      .default('')
      .onCreate(() => ''),
    room: p
      .string()
      .length(200)
      .default('')
      .onCreate(() => ''),
    startsAt: p.datetime(),
    endsAt: p.datetime(),
    capacity: p.integer().nullable(),
    position: p
      .integer()
      .default(0)
      .onCreate(() => 0),
  },
});

export type EventSession = InferEntity<typeof EventSession>;
