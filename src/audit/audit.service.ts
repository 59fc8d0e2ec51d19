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

function createEntry(em: EntityManager, record: AuditRecord, now: Date): void {
  em.create(AuditEntry, {
    event: record.eventId,
    organiser: record.organiserId,
    action: record.action,
    route: record.route.slice(0, 200),
    registrationId: record.registrationId ?? null,
    via: record.via,
    createdAt: now,
  });
}

/**
 * Audit entries written off the request path (src/plugins/access.ts): each request adds its entry
 * and is answered at once; the entries waiting are written together, in one transaction, as soon as
 * the previous write is done, so under load many requests share one write. Reading the log
 * (auditLog) and closing the app (preClose) wait for what is waiting: nothing is lost on a clean stop.
 */
export class AuditWriter {
  private waiting: { record: AuditRecord; at: Date }[] = [];
  private writing: Promise<void> | null = null;

  constructor(
    private readonly fork: () => EntityManager,
    private readonly onError: (error: unknown, lost: number) => void,
  ) {}

  add(record: AuditRecord, at = new Date()): void {
    this.waiting.push({ record, at });
    this.writing ??= this.write().finally(() => {
      this.writing = null;
    });
  }

  private async write(): Promise<void> {
    // Lets the requests answered in the same turn add theirs first.
    await new Promise((resolve) => setImmediate(resolve));
    while (this.waiting.length) {
      const batch = this.waiting.splice(0, 500);
      const em = this.fork();
      try {
        for (const { record, at } of batch) createEntry(em, record, at);
        await em.flush();
      } catch (error) {
        this.onError(error, batch.length);
      }
    }
  }

  /** Resolves once every entry added so far is written. */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
  }
}

const writers = new WeakMap<object, AuditWriter>();

/** The audit writer of this database (one per ORM). */
export function auditWriter(em: EntityManager, onError: (error: unknown, lost: number) => void): AuditWriter {
  let writer = writers.get(em.config);
  if (!writer) {
    writer = new AuditWriter(() => em.fork(), onError);
    writers.set(em.config, writer);
  }
  return writer;
}

export async function auditLog(em: EntityManager, event: Event, { limit = 200, offset = 0 } = {}) {
  await writers.get(em.config)?.flush();
  const [items, total] = await em.findAndCount(
    AuditEntry,
    { event },
    { populate: ['organiser'], orderBy: { id: 'desc' }, limit, offset },
  );
  return { items, total };
}
