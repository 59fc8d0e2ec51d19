import type { EntityManager, EventSubscriber, FlushEventArgs } from '@mikro-orm/core';

/** How long an API token's holder and an organiser's role on an event are kept (a change made elsewhere shows within it). */
export const ACCESS_MEMO_TTL_MS = 1000;

/**
 * A short-lived, in-process copy of what many requests read and few change (who holds an API token,
 * an organiser's role on an event). Each entry lives `ttlMs` at most, and `clear` drops them all; a
 * change this process makes clears it at once (see clearOnWrites), a change another process makes
 * (several instances, the CLI) shows within the TTL. Concurrent misses of one key share one load.
 */
export class Memo<T> {
  private entries = new Map<string, { value: Promise<T>; expires: number }>();
  /** Bumped by clear(): a load that started before a clear is not kept after it. */
  private generation = 0;

  constructor(
    public ttlMs: number,
    private readonly maxEntries = 10_000,
  ) {}

  get(key: string, load: () => Promise<T>, now = Date.now()): Promise<T> {
    const entry = this.entries.get(key);
    if (entry && entry.expires > now) return entry.value;
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    const generation = this.generation;
    const value = load();
    const fresh = { value, expires: this.ttlMs > 0 ? now + this.ttlMs : 0 };
    this.entries.set(key, fresh);
    value.then(
      () => {
        // Cleared while loading: what was read may predate the change.
        if (generation !== this.generation && this.entries.get(key) === fresh) this.entries.delete(key);
      },
      () => {
        if (this.entries.get(key) === fresh) this.entries.delete(key);
      },
    );
    return value;
  }

  clear(): void {
    this.generation += 1;
    this.entries.clear();
  }
}

type Transaction = { parentTransaction?: Transaction; executionPromise?: Promise<unknown> };

/**
 * Runs `clear` now and, when `em` is in a transaction, again once its outermost transaction ends:
 * another connection (PostgreSQL) may read the old rows, and cache them, until the commit.
 */
export function clearNowAndAtCommit(em: EntityManager, clear: () => void): void {
  clear();
  let trx = em.getTransactionContext<Transaction>();
  while (trx?.parentTransaction) trx = trx.parentTransaction;
  trx?.executionPromise?.then(clear, clear);
}

/** A subscriber that calls `clear` (now and at commit) after every flush that writes one of these entities. */
export function clearOnWrites(entities: string[], clear: () => void): EventSubscriber {
  const names = new Set(entities);
  return {
    afterFlush({ em, uow }: FlushEventArgs) {
      if (uow.getChangeSets().some((changeSet) => names.has(changeSet.meta.className))) clearNowAndAtCommit(em, clear);
    },
  };
}
