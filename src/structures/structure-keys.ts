import type { EntityManager } from '@mikro-orm/core';
import type { Orm } from '../db/orm.js';
import { clearNowAndAtCommit, clearOnWrites } from '../shared/memo.js';

/**
 * Normalised structure name → the structure it led to at a registration's commit, kept briefly so the
 * next registration of the same organisation links it without a lookup in its transaction (the one
 * SQLite connection is held the while). Only a key whose lookup found a structure and whose
 * transaction committed with no change to any structure in between is kept; every flush that writes a
 * structure (a merge, a split, a card edit, a new one) and every native write to the table
 * (forgetStructureKeys: directory consent, erasure) empties it, at once and again at that commit. A
 * change made by another process shows within the TTL, as for the public pages.
 */
export interface KnownStructure {
  id: number;
  directoryConsent: boolean;
}

const MAX_ENTRIES = 10_000;

class StructureKeys {
  entries = new Map<string, KnownStructure & { expires: number }>();
  /** Bumped by clear(): a lookup made before a change is not kept after it. */
  generation = 0;

  constructor(public ttlMs: number) {}

  clear(): void {
    this.generation += 1;
    this.entries.clear();
  }
}

const caches = new WeakMap<object, StructureKeys>();

/** Keeps each key's structure for `ttlMs` (0: not kept); the app sets it up at start. */
export function rememberStructureKeysFor(orm: Orm, ttlMs: number): void {
  let cache = caches.get(orm.config);
  if (!cache) {
    const created = new StructureKeys(ttlMs);
    cache = created;
    caches.set(orm.config, created);
    orm.em.getEventManager().registerSubscriber(clearOnWrites(['Structure'], () => created.clear()));
  }
  cache.ttlMs = ttlMs;
}

/** The structure this key led to, when kept and fresh. */
export function knownStructure(em: EntityManager, key: string, now = Date.now()): KnownStructure | undefined {
  const entry = caches.get(em.config)?.entries.get(key);
  return entry && entry.expires > now ? entry : undefined;
}

type Transaction = { parentTransaction?: Transaction; executionPromise?: Promise<unknown> };

/**
 * Once `em`'s transaction commits, keeps `key` → what `read` gives then (a structure found by the
 * lookup), unless a structure changed since the lookup began (`generation`, taken before it).
 */
export function keepAtCommit(em: EntityManager, key: string, generation: number, read: () => KnownStructure): void {
  const cache = caches.get(em.config);
  if (!cache || cache.ttlMs <= 0) return;
  let trx = em.getTransactionContext<Transaction>();
  while (trx?.parentTransaction) trx = trx.parentTransaction;
  trx?.executionPromise?.then(
    () => {
      if (cache.generation !== generation) return;
      if (cache.entries.size >= MAX_ENTRIES) cache.entries.clear();
      cache.entries.set(key, { ...read(), expires: Date.now() + cache.ttlMs });
    },
    () => {},
  );
}

/** Where the next lookup starts from: keepAtCommit keeps its result only if no structure changed since. */
export function structureKeysGeneration(em: EntityManager): number {
  return caches.get(em.config)?.generation ?? 0;
}

/** For writes to the structure table that go around the flush (native updates and deletes). */
export function forgetStructureKeys(em: EntityManager): void {
  const cache = caches.get(em.config);
  if (cache) clearNowAndAtCommit(em, () => cache.clear());
}
