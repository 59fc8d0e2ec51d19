import type { EntityManager } from '@mikro-orm/core';
import type { RoutePolicy } from '../shared/route-policy.js';
import type { Event } from '../events/event.entity.js';
import { type AuditAction, AuditEntry } from './audit.entity.js';

// Routes whose answer carries participants' data: reading them is recorded as "viewed".
const PARTICIPANT_DATA = /registrations|groups|check-in|report|breakdown|emails|messages|personal-data/;
const EXPORT = /\.(?:csv|xlsx)$|\/(?:print|sign-in|personal-data)$/;

/** What an organiser request did to an event's data, or null when it is not worth recording (the event's overview, a form page). */
export function auditAction(method: string, route: string, policy?: RoutePolicy): AuditAction | null {
  if (policy) return method !== 'GET' && method !== 'HEAD' ? 'changed' : (policy.audit ?? null);
  if (method !== 'GET' && method !== 'HEAD') return 'changed';
  if (EXPORT.test(route)) return 'exported';
  return PARTICIPANT_DATA.test(route) ? 'viewed' : null;
}

export interface AuditRecord {
  eventId: number;
  organiserId: number | null;
  action: AuditAction;
  route: string;
  registrationId?: number | null;
  via: 'page' | 'api';
}

export async function recordAudit(em: EntityManager, record: AuditRecord, now = new Date()): Promise<void> {
  em.create(AuditEntry, {
    event: record.eventId,
    organiser: record.organiserId,
    action: record.action,
    route: record.route.slice(0, 200),
    registrationId: record.registrationId ?? null,
    via: record.via,
    createdAt: now,
  });
  await em.flush();
}

export async function auditLog(em: EntityManager, event: Event, { limit = 200, offset = 0 } = {}) {
  const [items, total] = await em.findAndCount(
    AuditEntry,
    { event },
    { populate: ['organiser'], orderBy: { id: 'desc' }, limit, offset },
  );
  return { items, total };
}
