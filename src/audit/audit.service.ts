import type { EntityManager } from '@mikro-orm/core';
import type { RoutePolicy } from '../shared/route-policy.js';
import type { Event } from '../events/event.entity.js';
import { type AuditAction, AuditEntry } from './audit.entity.js';

/**
 * What an organiser request did to an event's data: every change, and the reads its route declares
 * worth recording (participants' data viewed or exported); null for the rest (the overview, a form page).
 */
export function auditAction(method: string, policy: RoutePolicy | undefined): AuditAction | null {
  if (method !== 'GET' && method !== 'HEAD') return 'changed';
  return policy?.audit ?? null;
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
