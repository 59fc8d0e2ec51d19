import { Collection, EntitySchema } from '@mikro-orm/core';

export type EventStatus = 'draft' | 'published' | 'closed';
export type SessionKind = 'plenary' | 'breakout';

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

export class Event {
  id!: number;
  slug!: string;
  title!: string;
  description = '';
  venue = '';
  address = '';
  timezone = 'Europe/Paris';
  startsAt!: Date;
  endsAt!: Date;
  /** Total seats; null means unlimited. */
  capacity: number | null = null;
  /** Confirmed registrations, kept by the database in the same statement that checks capacity. */
  confirmedCount = 0;
  status: EventStatus = 'draft';
  registrationOpensAt: Date | null = null;
  registrationClosesAt: Date | null = null;
  structureTypes: StructureType[] = [];
  /** The sides (volets) the groups mix; null: the defaults (read through sidesOf in src/events/sides.ts). */
  sides: Side[] | null = null;
  /** Sender name of the emails to attendees (the address is MAIL_FROM's); empty: MAIL_FROM's name. */
  organiserName = '';
  /** Where attendees' replies go (Reply-To, and ORGANIZER of the invites); empty: MAIL_FROM. */
  replyTo = '';
  /** Key shared by the editions of a recurring event (e.g. "atelier-solidarite"), for year-by-year comparisons. */
  series: string | null = null;
  /** Bumped when times or places change, so calendar clients move the meeting (iCalendar SEQUENCE). */
  sequence = 0;
  /** When the breakout group assignments were published to attendees; null while they are a draft. */
  assignmentsPublishedAt: Date | null = null;
  /** Months after the event's end during which registrations keep their personal data; then they are anonymised (src/privacy). */
  retentionMonths = 12;
  sessions = new Collection<EventSession>(this);
  createdAt: Date = new Date();
  updatedAt: Date = new Date();
}

export class EventSession {
  id!: number;
  event!: Event;
  kind!: SessionKind;
  title!: string;
  topic = '';
  facilitator = '';
  room = '';
  startsAt!: Date;
  endsAt!: Date;
  capacity: number | null = null;
  position = 0;
}

export const EventSchema = new EntitySchema<Event>({
  class: Event,
  properties: {
    id: { type: 'integer', primary: true, autoincrement: true },
    slug: { type: 'string', length: 80, unique: true },
    title: { type: 'string', length: 200 },
    description: { type: 'text' },
    venue: { type: 'string', length: 200 },
    address: { type: 'string', length: 400 },
    timezone: { type: 'string', length: 64 },
    startsAt: { type: 'datetime' },
    endsAt: { type: 'datetime' },
    capacity: { type: 'integer', nullable: true },
    confirmedCount: { type: 'integer', default: 0 },
    status: { type: 'string', length: 16, index: true },
    registrationOpensAt: { type: 'datetime', nullable: true },
    registrationClosesAt: { type: 'datetime', nullable: true },
    structureTypes: { type: 'json' },
    sides: { type: 'json', nullable: true },
    organiserName: { type: 'string', length: 200, default: '' },
    replyTo: { type: 'string', length: 254, default: '' },
    series: { type: 'string', length: 80, nullable: true, index: true },
    sequence: { type: 'integer', default: 0 },
    assignmentsPublishedAt: { type: 'datetime', nullable: true },
    retentionMonths: { type: 'integer', default: 12 },
    sessions: { kind: '1:m', entity: () => EventSession, mappedBy: 'event', orderBy: { position: 'asc', id: 'asc' } },
    createdAt: { type: 'datetime' },
    updatedAt: { type: 'datetime' },
  },
});

export const EventSessionSchema = new EntitySchema<EventSession>({
  class: EventSession,
  tableName: 'event_session',
  properties: {
    id: { type: 'integer', primary: true, autoincrement: true },
    event: { kind: 'm:1', entity: () => Event, deleteRule: 'cascade' },
    kind: { type: 'string', length: 16 },
    title: { type: 'string', length: 200 },
    topic: { type: 'text' },
    facilitator: { type: 'string', length: 200 },
    room: { type: 'string', length: 200 },
    startsAt: { type: 'datetime' },
    endsAt: { type: 'datetime' },
    capacity: { type: 'integer', nullable: true },
    position: { type: 'integer', default: 0 },
  },
});
