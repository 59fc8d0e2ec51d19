import { EntitySchema, OptionalProps } from '@mikro-orm/core';
import { Event, EventSession } from '../events/event.entity.js';

/** Every status of a registration, in the order pages and reports list them: the one spelling of the list. */
export const REGISTRATION_STATUSES = ['confirmed', 'waitlisted', 'cancelled'] as const;
export type RegistrationStatus = (typeof REGISTRATION_STATUSES)[number];

export class Registration {
  /** Properties with a default that `em.create` does not need. */
  [OptionalProps]?: 'groupLocked';
  id!: number;
  event!: Event;
  /** The private link's secret (256 random bits, base64url). */
  token!: string;
  firstName!: string;
  lastName!: string;
  email!: string;
  /** Lower-cased email: unique per event, so the database itself refuses a second registration. */
  emailKey!: string;
  organisation!: string;
  structureType!: string;
  status!: RegistrationStatus;
  /** Answers to the form's other questions, keyed by field key. */
  answers: Record<string, unknown> = {};
  group: EventSession | null = null;
  /** Kept by the automatic group assignment (set by an organiser). */
  groupLocked = false;
  locale = 'fr';
  /** When an organiser marked the person present on the day (check-in); null while not (or no longer) present. */
  checkedInAt: Date | null = null;
  consentAt!: Date;
  /** When the retention job removed the personal data (src/privacy); null while it is kept. */
  anonymisedAt: Date | null = null;
  createdAt: Date = new Date();
  updatedAt: Date = new Date();
}

export const RegistrationSchema = new EntitySchema<Registration>({
  class: Registration,
  uniques: [{ properties: ['event', 'emailKey'], name: 'registration_event_email_unique' }],
  indexes: [
    { properties: ['event', 'status'] },
    // Covers the report's GROUP BY (src/reports/report.service.ts): counted from the index alone, without reading the rows.
    { properties: ['event', 'status', 'structureType', 'group', 'checkedInAt'], name: 'registration_report_index' },
    // Exports read an event's registrations in batches by id (keyset pagination); PostgreSQL needs this order in an index.
    { properties: ['event', 'id'], name: 'registration_event_id_id_index' },
  ],
  properties: {
    id: { type: 'integer', primary: true, autoincrement: true },
    event: { kind: 'm:1', entity: () => Event, deleteRule: 'cascade' },
    token: { type: 'string', length: 64, unique: true },
    firstName: { type: 'string', length: 100 },
    lastName: { type: 'string', length: 100 },
    email: { type: 'string', length: 254 },
    emailKey: { type: 'string', length: 254 },
    organisation: { type: 'string', length: 200 },
    structureType: { type: 'string', length: 64 },
    status: { type: 'string', length: 16 },
    answers: { type: 'json' },
    group: { kind: 'm:1', entity: () => EventSession, nullable: true, deleteRule: 'set null' },
    groupLocked: { type: 'boolean', default: false },
    locale: { type: 'string', length: 8 },
    checkedInAt: { type: 'datetime', nullable: true },
    consentAt: { type: 'datetime' },
    anonymisedAt: { type: 'datetime', nullable: true },
    createdAt: { type: 'datetime' },
    updatedAt: { type: 'datetime' },
  },
});
