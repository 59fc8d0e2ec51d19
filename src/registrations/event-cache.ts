import type { EntityManager, EventSubscriber, FlushEventArgs } from '@mikro-orm/core';
import type { FastifyReply } from 'fastify';
import { randomBytes } from 'node:crypto';
import type { Orm } from '../db/orm.js';
import { ACCESS_MEMO_TTL_MS } from '../shared/memo.js';
import { notFound } from '../errors.js';
import type { FormDefinition } from '../forms/form-definition.js';
import { ensureSessions, loadDefinition } from '../forms/form.service.js';
import type { Event } from '../events/event.entity.js';
import { findEvent, findEventBySlug } from '../events/event.service.js';

/**
 * Short-lived copies of what the public registration page needs, so that the crowd opening the
 * link at once does not each cost the database and the templates (see README, Performance).
 *
 * Freshness: every flush this process makes of an event, its programme or its form empties the
 * cache (again when its transaction commits: see publicCacheChanged), so a change made on this
 * instance shows on its next page. A change made by another instance (several instances on one
 * PostgreSQL, or several processes on one SQLite file) shows within PUBLIC_CACHE_TTL_MS. The seats
 * are never taken from the cache: the database decides them in one conditional UPDATE
 * (src/seats/seats.ts), which empties the pages (they show the seats left) but not the event kept
 * for checking submissions, which does not depend on them. A write that goes around the ORM's flush
 * (native SQL, nativeUpdate) must call publicCacheChanged itself.
 */
export const PUBLIC_CACHE_TTL_MS = 1000;
/** Past this many entries (events × languages × kinds) the cache starts again, so odd slugs cannot fill memory. */
const MAX_ENTRIES = 1000;

interface Entry {
  value: Promise<unknown>;
  expires: number;
}

export class FreshCache {
  private entries = new Map<string, Entry>();

  constructor(public ttlMs = PUBLIC_CACHE_TTL_MS) {}

  /** The value under `key` if loaded less than the TTL ago and since the last write; otherwise loads it once for all callers. */
  get<T>(key: string, load: () => Promise<T>, now = Date.now()): Promise<T> {
    const entry = this.entries.get(key);
    if (entry && entry.expires > now) return entry.value as Promise<T>;
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    const value = load();
    const fresh: Entry = { value, expires: now + this.ttlMs };
    this.entries.set(key, fresh);
    // A failed load (an unknown slug, a database error) is not remembered.
    value.catch(() => {
      if (this.entries.get(key) === fresh) this.entries.delete(key);
    });
    return value;
  }

  clear(): void {
    this.entries.clear();
  }
}

interface PublicCaches {
  /** The events and their forms, for the page and for checking submissions. */
  snapshots: FreshCache;
  /** The rendered pages. */
  pages: FreshCache;
  /** What the API reads most (an event), kept a second at most. */
  api: FreshCache;
}

/** What changed: the seats taken (the pages show the seats left), or the event, its programme or its form (everything). */
export type PublicChange = 'seats' | 'event';

/** Keyed by the ORM's configuration, which every EntityManager of that database shares (tests open several, each on its own database). */
const caches = new WeakMap<object, PublicCaches>();

/** What the cached pages and events are made of: a flush that changes one of these empties the cache. */
const PUBLIC_ENTITIES = new Set(['Event', 'EventSession', 'RegistrationForm']);

function forget(cache: PublicCaches, change: PublicChange): void {
  cache.pages.clear();
  cache.api.clear();
  if (change === 'event') cache.snapshots.clear();
}

type Transaction = { parentTransaction?: Transaction; executionPromise?: Promise<unknown> };
/** Transactions (the outermost) whose commit empties the cache again, with what they changed. */
const pending = new WeakMap<Transaction, { cache: PublicCaches; change: PublicChange }>();

/**
 * Empties what `change` makes stale in the cache of this database, at once and, when `em` is in a
 * transaction, again when it ends: a reader on another connection (PostgreSQL) may have loaded the
 * old state in between. Called by the seat counting (src/seats/seats.ts, native SQL) and, for flushes
 * of events, sessions and forms, by the subscriber below.
 */
export function publicCacheChanged(em: EntityManager, change: PublicChange): void {
  const cache = caches.get(em.config);
  if (!cache) return;
  forget(cache, change);
  let trx = em.getTransactionContext<Transaction>();
  while (trx?.parentTransaction) trx = trx.parentTransaction;
  if (!trx?.executionPromise) return;
  const waiting = pending.get(trx);
  if (waiting) {
    if (change === 'event') waiting.change = 'event';
    return;
  }
  const entry = { cache, change };
  pending.set(trx, entry);
  const done = () => forget(entry.cache, entry.change);
  trx.executionPromise.then(done, done);
}

/** Every flush through this ORM that writes an event, a session or a form empties the cache. */
const publicEntitiesWatcher: EventSubscriber = {
  afterFlush({ em, uow }: FlushEventArgs) {
    if (uow.getChangeSets().some((changeSet) => PUBLIC_ENTITIES.has(changeSet.meta.className)))
      publicCacheChanged(em, 'event');
  },
};

/** How long this database's public pages and events are kept (PUBLIC_CACHE_SECONDS; writes through this process empty them at once). */
export function keepPublicPagesFor(orm: Orm, ttlMs: number): void {
  const cache = publicCaches(orm);
  cache.snapshots.ttlMs = ttlMs;
  cache.pages.ttlMs = ttlMs;
}

/** The caches of one database. */
function publicCaches(orm: Orm): PublicCaches {
  let cache = caches.get(orm.config);
  if (!cache) {
    cache = { snapshots: new FreshCache(), pages: new FreshCache(), api: new FreshCache(ACCESS_MEMO_TTL_MS) };
    caches.set(orm.config, cache);
    orm.em.getEventManager().registerSubscriber(publicEntitiesWatcher);
  }
  return cache;
}

/** A published or closed event with its programme, and its form definition: shared by requests, read only. */
export interface PublicEventSnapshot {
  event: Event;
  definition: FormDefinition;
}

/** The public event of this slug (drafts are not public), from the cache; 404 otherwise. */
export function publicEventSnapshot(orm: Orm, slug: string): Promise<PublicEventSnapshot> {
  return publicCaches(orm).snapshots.get(`slug:${slug}`, async () => {
    // Its own EntityManager: the entity outlives the request that loaded it and is never flushed.
    const em = orm.em.fork();
    const event = await findEventBySlug(em, slug);
    if (!event || event.status === 'draft') throw notFound();
    await ensureSessions(event);
    return { event, definition: await loadDefinition(em, event) };
  });
}

/**
 * The event of this id, drafts included, with its programme and form definition, from the same cache
 * (and so emptied by the same writes): what the API's registration reads before its transaction.
 * 404 for an unknown id; the caller has checked the organiser's role on it.
 */
export function eventSnapshotById(orm: Orm, id: number): Promise<PublicEventSnapshot> {
  // Keyed apart from the slugs' entries (`slug:…`): a visitor's slug never reaches a draft kept here.
  return publicCaches(orm).snapshots.get(`id:${id}`, async () => {
    const em = orm.em.fork();
    const event = await findEvent(em, id);
    return { event, definition: await loadDefinition(em, event) };
  });
}

/**
 * The cached event with the seats taken as the database counts them now (the cache keeps an event
 * across registrations, whose seats it does not need; a page shows the seats left).
 */
export async function withCurrentSeats(orm: Orm, event: Event): Promise<Event> {
  if (event.capacity == null) return event;
  const rows: { confirmed_count: number | string }[] = await orm.em
    .getConnection()
    .execute('select confirmed_count from event where id = ?', [event.id]);
  return rows.length ? Object.create(event, { confirmedCount: { value: Number(rows[0].confirmed_count) } }) : event;
}

/**
 * The event of this id as the API shows it, programme and confirmed count included: read from the
 * database at most once a second (ACCESS_MEMO_TTL_MS, whatever PUBLIC_CACHE_SECONDS says), and emptied
 * at once, like the pages, by any change of its seats, programme or form through this process. So
 * it is exact for this process's writes and at most a second behind another instance's. 404 for an
 * unknown id.
 */
export function apiEvent(orm: Orm, id: number): Promise<Event> {
  // Its own EntityManager and its own read (not the snapshot, which may itself be a TTL old).
  return publicCaches(orm).api.get(`event:${id}`, () => findEvent(orm.em.fork(), id));
}

/** Stands where a visitor's own value goes in a cached page; random per process, so no text of an organiser can hold it. */
const MARK = `@@atelier-${randomBytes(8).toString('hex')}-`;
const MARKS = new RegExp(`${MARK}(\\w+)@@`, 'g');

interface CachedPage {
  /** The HTML around the visitors' values, already encoded: parts[i], value of names[i], parts[i + 1]… */
  parts: Buffer[];
  names: string[];
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * Sends a public page rendered once per `key` and language, and kept as long as the cache keeps it
 * (see above); only each visitor's own values (their CSRF token, and `perVisitor`, e.g. the form's
 * nonce) are filled in per request.
 */
export async function sendCachedPage(
  reply: FastifyReply,
  orm: Orm,
  key: string,
  template: string,
  data: () => Promise<Record<string, unknown>>,
  perVisitor: Record<string, string> = {},
): Promise<FastifyReply> {
  const request = reply.request;
  const page = await publicCaches(orm).pages.get(`${key}:${request.locale}`, async (): Promise<CachedPage> => {
    const marks = Object.fromEntries(
      ['csrfToken', ...Object.keys(perVisitor)].map((name) => [name, `${MARK}${name}@@`]),
    );
    const pieces = (await reply.pageHtml(template, { ...(await data()), ...marks })).split(MARKS);
    return {
      parts: pieces.filter((_, i) => i % 2 === 0).map((part) => Buffer.from(part)),
      names: pieces.filter((_, i) => i % 2 === 1),
    };
  });
  const values: Record<string, string> = { ...perVisitor, csrfToken: reply.generateCsrf() };
  const chunks = [page.parts[0]];
  for (let i = 0; i < page.names.length; i++)
    chunks.push(Buffer.from(escapeHtml(values[page.names[i]] ?? '')), page.parts[i + 1]);
  return reply
    .code(200)
    .header('Cache-Control', 'no-store')
    .type('text/html; charset=utf-8')
    .send(Buffer.concat(chunks));
}
