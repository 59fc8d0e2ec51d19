import type { EntityManager } from '@mikro-orm/core';
import type { Orm } from '../db/orm.js';
import { Memo, clearNowAndAtCommit, clearOnWrites } from '../shared/memo.js';
import { Event } from '../events/event.entity.js';
import type { EventInput } from '../events/event-rules.js';
import { persistNewEvent } from '../events/event.service.js';
import { AppError, ValidationError } from '../errors.js';
import { Organiser } from '../organisers/organiser.entity.js';
import { EVENT_ROLES, type EventRole, EventMember } from './event-member.entity.js';

const RANK: Record<EventRole, number> = { viewer: 1, organiser: 2, owner: 3 };

export function isEventRole(value: unknown): value is EventRole {
  return typeof value === 'string' && (EVENT_ROLES as string[]).includes(value);
}

/** Whether `role` allows what `needed` names (an owner may do what an organiser may, and so on). */
export function roleAllows(role: EventRole | null, needed: EventRole): boolean {
  return role !== null && RANK[role] >= RANK[needed];
}

/**
 * Each organiser's role per event, kept in memory so an organiser request does not query it each time
 * (README, Performance). Any flush through this process of a team member, an event or an organiser
 * empties it (now and when its transaction commits); a change made by another process shows within
 * the TTL. A write to event_member that goes around the flush must call forgetRoles.
 */
const roleMemos = new WeakMap<object, Memo<EventRole | null>>();
/** Who asked to be told of each registration, per event (src/mail/organiser-notices.ts); emptied with the roles. */
const noticeMemos = new WeakMap<object, Memo<NoticeRecipient[]>>();

export interface NoticeRecipient {
  memberId: number;
  email: string;
  name: string;
}

/** Keeps each organiser's role per event for `ttlMs` (0: not kept); the app sets it up at start. */
export function rememberRolesFor(orm: Orm, ttlMs: number): void {
  let memo = roleMemos.get(orm.config);
  let notices = noticeMemos.get(orm.config);
  if (!memo || !notices) {
    const roles = new Memo<EventRole | null>(ttlMs);
    const recipients = new Memo<NoticeRecipient[]>(ttlMs);
    roleMemos.set(orm.config, roles);
    noticeMemos.set(orm.config, recipients);
    const entities = ['EventMember', 'Event', 'Organiser'];
    const clear = () => {
      roles.clear();
      recipients.clear();
    };
    orm.em.getEventManager().registerSubscriber(clearOnWrites(entities, clear));
    memo = roles;
    notices = recipients;
  }
  memo.ttlMs = ttlMs;
  notices.ttlMs = ttlMs;
}

/** Forgets the remembered roles and notice choices of this database: for writes to event_member that go around the flush. */
export function forgetTeams(em: EntityManager): void {
  const roles = roleMemos.get(em.config);
  const notices = noticeMemos.get(em.config);
  clearNowAndAtCommit(em, () => {
    roles?.clear();
    notices?.clear();
  });
}

/**
 * The team members of the event who want an email at each registration or cancellation. Read through
 * `em` itself (it may be a transaction: on SQLite, another connection would wait for it).
 */
export async function eachChangeRecipients(em: EntityManager, eventId: number): Promise<NoticeRecipient[]> {
  const load = async () => {
    const members = await em.find(EventMember, { event: eventId, notify: 'each' }, { populate: ['organiser'] });
    return members.map((m) => ({ memberId: m.id, email: m.organiser.email, name: m.organiser.name }));
  };
  const memo = noticeMemos.get(em.config);
  // Shared only between transactions: on SQLite one transaction holds the one connection, so a
  // load started outside one could wait for it while it waits for that load.
  if (!memo || memo.ttlMs <= 0 || !em.isInTransaction()) return load();
  // A load shared with another transaction that failed is not this one's failure: read again.
  return memo.get(String(eventId), load).catch(load);
}

async function loadRole(em: EntityManager, organiserId: number, eventId: number): Promise<EventRole | null> {
  const member = await em.findOne(EventMember, { event: eventId, organiser: organiserId }, { fields: ['role'] });
  return member?.role ?? null;
}

export async function roleOn(em: EntityManager, organiserId: number, eventId: number): Promise<EventRole | null> {
  const memo = roleMemos.get(em.config);
  // Inside a transaction the answer must be the transaction's own view.
  if (!memo || memo.ttlMs <= 0 || em.isInTransaction()) return loadRole(em, organiserId, eventId);
  return memo.get(`${organiserId}:${eventId}`, () => loadRole(em.fork(), organiserId, eventId));
}

/** Ids of the events this organiser is on the team of, whatever the role. */
export async function memberEventIds(em: EntityManager, organiserId: number): Promise<number[]> {
  const rows = await em.find(EventMember, { organiser: organiserId }, { fields: ['event'] });
  return rows.map((row) => row.event.id);
}

/** Puts the organiser on the event's team (or changes their role); the creator of an event becomes its owner. */
export async function grantRole(
  em: EntityManager,
  event: Event,
  organiser: Organiser,
  role: EventRole,
): Promise<EventMember> {
  const existing = await em.findOne(EventMember, { event, organiser });
  if (existing) {
    existing.role = role;
    await em.flush();
    return existing;
  }
  const member = em.create(EventMember, { event, organiser, role, createdAt: new Date() });
  await em.flush();
  return member;
}

/**
 * Creates an event whose owner is the organiser creating it: the event, its sessions and the owner's
 * place in the team are written in one flush, so one transaction; no event is ever left without owner.
 */
export async function createOwnedEvent(em: EntityManager, input: EventInput, owner: Organiser): Promise<Event> {
  const event = await persistNewEvent(em, input);
  em.create(EventMember, { event, organiser: owner, role: 'owner', createdAt: new Date() });
  await em.flush();
  return event;
}

/**
 * Makes these organisers (by default: the first organiser of the install, the oldest account) owners
 * of every event that has no owner yet: the first sign-up, the demo event. Nobody else gets a role
 * they were not given.
 */
export async function adoptOwnerlessEvents(em: EntityManager, organiserIds?: number[]): Promise<void> {
  organiserIds ??= (
    await em.find(Organiser, {}, { fields: ['id'], orderBy: { createdAt: 'asc', id: 'asc' }, limit: 1 })
  ).map((o) => o.id);
  if (organiserIds.length === 0) return;
  const owned = await em.find(EventMember, { role: 'owner' }, { fields: ['event'] });
  const ownedIds = new Set(owned.map((m) => m.event.id));
  const events = await em.find(Event, {}, { fields: ['id'] });
  for (const event of events.filter((e) => !ownedIds.has(e.id))) {
    for (const organiserId of organiserIds)
      em.create(EventMember, { event: event.id, organiser: organiserId, role: 'owner', createdAt: new Date() });
  }
  await em.flush();
}

/** Gives `target` the same team as `source`, each with the same role, without flushing (a new edition). */
export async function persistTeamCopy(em: EntityManager, source: Event, target: Event): Promise<void> {
  const members = await em.find(EventMember, { event: source }, { orderBy: { createdAt: 'asc', id: 'asc' } });
  for (const member of members)
    em.create(EventMember, { event: target, organiser: member.organiser, role: member.role, createdAt: new Date() });
}

export async function teamOf(em: EntityManager, event: Event): Promise<EventMember[]> {
  return em.find(EventMember, { event }, { populate: ['organiser'], orderBy: { createdAt: 'asc', id: 'asc' } });
}

async function findMember(em: EntityManager, event: Event, memberId: number): Promise<EventMember> {
  const member = Number.isSafeInteger(memberId)
    ? await em.findOne(EventMember, { id: memberId, event }, { populate: ['organiser'] })
    : null;
  if (!member) throw new AppError('not_found');
  return member;
}

/** An event always keeps at least one owner, so someone can still manage its team. */
async function assertAnotherOwner(em: EntityManager, event: Event, member: EventMember) {
  if (member.role !== 'owner') return;
  const owners = await em.count(EventMember, { event, role: 'owner' });
  if (owners <= 1) throw new ValidationError([{ field: 'role', code: 'last_owner' }]);
}

export async function changeRole(
  em: EntityManager,
  event: Event,
  memberId: number,
  role: string,
): Promise<EventMember> {
  if (!isEventRole(role)) throw new ValidationError([{ field: 'role', code: 'role_invalid' }]);
  const member = await findMember(em, event, memberId);
  if (role !== 'owner') await assertAnotherOwner(em, event, member);
  member.role = role;
  await em.flush();
  return member;
}

export async function removeMember(em: EntityManager, event: Event, memberId: number): Promise<void> {
  const member = await findMember(em, event, memberId);
  await assertAnotherOwner(em, event, member);
  await em.removeAndFlush(member);
}
