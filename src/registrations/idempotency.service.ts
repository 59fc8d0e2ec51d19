import type { EntityManager } from '@mikro-orm/core';
import { createHash } from 'node:crypto';
import { IdempotencyRecord } from './idempotency.entity.js';
import type { Registration } from './registration.entity.js';

/** How long a key is remembered: a retry or a double click comes within seconds, a day is plenty. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

export interface OnceKey {
  scope: string;
  key: string;
  requestHash: string;
}

export type OnceOutcome<T> =
  | { kind: 'new'; value: T }
  | { kind: 'replay'; record: IdempotencyRecord }
  /** The key was used before with another request body. */
  | { kind: 'mismatch'; record: IdempotencyRecord };

/** Saves the outcome inside the registration's transaction (see RegisterOptions.inTransaction). */
export type StoreOutcome = (tx: EntityManager, registration: Registration) => Promise<void>;

/** SHA-256 of a JSON value with its object keys sorted, so the same body always gives the same hash. */
export function requestHash(value: unknown): string {
  const canonical = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(canonical);
    if (v && typeof v === 'object')
      return Object.fromEntries(
        Object.keys(v)
          .sort()
          .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
      );
    return v;
  };
  return createHash('sha256')
    .update(JSON.stringify(canonical(value)) ?? '')
    .digest('hex');
}

const expiryCutoff = (now = Date.now()) => new Date(now - IDEMPOTENCY_TTL_MS);

/** The outcome stored for this key, or null; a key past its lifetime is forgotten on the spot ('expired'), so it can be used again. */
async function previous(em: EntityManager, once: OnceKey): Promise<OnceOutcome<never> | 'expired' | null> {
  const record = await em.findOne(IdempotencyRecord, { scope: once.scope, key: once.key });
  if (!record) return null;
  if (record.createdAt < expiryCutoff()) {
    await em.nativeDelete(IdempotencyRecord, { id: record.id });
    return 'expired';
  }
  return record.requestHash === once.requestHash ? { kind: 'replay', record } : { kind: 'mismatch', record };
}

/** Deletes the outcomes past their lifetime (they hold personal data); the hourly job in src/jobs/jobs.ts calls it. */
export async function sweepExpiredIdempotency(em: EntityManager, now = new Date()): Promise<number> {
  return em.nativeDelete(IdempotencyRecord, { createdAt: { $lt: expiryCutoff(now.getTime()) } });
}

/**
 * Runs a registration at most once per key. The key is not looked up first: a new key (nearly every
 * request) costs no statement before the registration's transaction. A key seen before makes that
 * transaction fail on a unique constraint (the key's, or the registration's event and email), or the
 * request fail otherwise (registration since closed); the stored outcome is then found and replayed.
 * Two requests with one key at the same moment both run, but only one commits; the other replays it.
 * A key past its lifetime is deleted then, and the registration runs again as new.
 */
export async function registerOnce<T>(
  em: EntityManager,
  once: OnceKey,
  response: (registration: Registration) => { status: number; body: unknown },
  run: (store: StoreOutcome) => Promise<T>,
): Promise<OnceOutcome<T>> {
  const store: StoreOutcome = async (tx, registration) => {
    const { status, body } = response(registration);
    tx.create(IdempotencyRecord, { ...once, registration, status, body, createdAt: new Date() });
    await tx.flush();
  };
  try {
    return { kind: 'new', value: await run(store) };
  } catch (error) {
    const after = await previous(em.fork(), once);
    if (after === 'expired') return { kind: 'new', value: await run(store) };
    if (after) return after;
    throw error;
  }
}
