import { type InferEntity, defineEntity, p } from '@mikro-orm/core';
import { Event } from '../events/event.entity.js';
import { Organiser } from '../organisers/organiser.entity.js';

export type AuditAction = 'viewed' | 'exported' | 'changed';

/**
 * Who looked at, exported or changed an event's data. Holds ids and the route, never the data
 * itself, so it can be kept after a person is erased.
 */
export const AuditEntry = defineEntity({
  name: 'AuditEntry',
  tableName: 'audit_entry',
  indexes: [{ properties: ['event', 'id'], name: 'audit_entry_event_listing_index' }],
  properties: {
    id: p.integer().primary().autoincrement(),
    event: () => p.manyToOne(Event).deleteRule('cascade'),
    organiser: () => p.manyToOne(Organiser).nullable().deleteRule('set null'),
    action: p.string().$type<AuditAction>().length(16),
    /** Method and route pattern, e.g. `GET /admin/events/:id/registrations.csv`. */
    route: p.string().length(200),
    /** The registration concerned, when there is one (kept as a bare number: the person may be erased). */
    registrationId: p.integer().nullable(),
    via: p.string().$type<'page' | 'api'>().length(8),
    createdAt: p.datetime(),
  },
});

export type AuditEntry = InferEntity<typeof AuditEntry>;
