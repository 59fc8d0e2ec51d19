import { EntitySchema } from '@mikro-orm/core';
import { Event } from '../events/event.entity.js';
import { Organiser } from '../organisers/organiser.entity.js';

export type AuditAction = 'viewed' | 'exported' | 'changed';

/**
 * Who looked at, exported or changed an event's data. Holds ids and the route, never the data
 * itself, so it can be kept after a person is erased.
 */
export class AuditEntry {
  id!: number;
  event!: Event;
  organiser: Organiser | null = null;
  action!: AuditAction;
  /** Method and route pattern, e.g. `GET /admin/events/:id/registrations.csv`. */
  route!: string;
  /** The registration concerned, when there is one (kept as a bare number: the person may be erased). */
  registrationId: number | null = null;
  via!: 'page' | 'api';
  createdAt: Date = new Date();
}

export const AuditEntrySchema = new EntitySchema<AuditEntry>({
  class: AuditEntry,
  tableName: 'audit_entry',
  indexes: [{ properties: ['event', 'id'], name: 'audit_entry_event_listing_index' }],
  properties: {
    id: { type: 'integer', primary: true, autoincrement: true },
    event: { kind: 'm:1', entity: () => Event, deleteRule: 'cascade' },
    organiser: { kind: 'm:1', entity: () => Organiser, nullable: true, deleteRule: 'set null' },
    action: { type: 'string', length: 16 },
    route: { type: 'string', length: 200 },
    registrationId: { type: 'integer', nullable: true },
    via: { type: 'string', length: 8 },
    createdAt: { type: 'datetime' },
  },
});
