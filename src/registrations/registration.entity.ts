import { EntitySchema } from '@mikro-orm/core';
import { Event, EventSession } from '../events/event.entity.js';

export type RegistrationStatus = 'confirmed' | 'waitlisted' | 'cancelled';

export class Registration {
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
  locale = 'fr';
  consentAt!: Date;
  createdAt: Date = new Date();
  updatedAt: Date = new Date();
}

export const RegistrationSchema = new EntitySchema<Registration>({
  class: Registration,
  uniques: [{ properties: ['event', 'emailKey'], name: 'registration_event_email_unique' }],
  indexes: [{ properties: ['event', 'status'] }],
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
    locale: { type: 'string', length: 8 },
    consentAt: { type: 'datetime' },
    createdAt: { type: 'datetime' },
    updatedAt: { type: 'datetime' },
  },
});
