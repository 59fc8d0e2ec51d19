import type { EntityManager } from '@mikro-orm/core';
import { type Event, EventSession } from '../events/event.entity.js';
import { breakouts } from '../events/event-rules.js';
import { AppError } from '../errors.js';
import { loadDefinition } from '../forms/form.service.js';
import { groupPreferences } from '../forms/group-preferences.js';
import type { MailSettings } from '../mail/outbox.service.js';
import { watchInvites } from '../mail/notifications.js';
import { Registration } from '../registrations/registration.entity.js';
import { groupPlaceCheck, lockGroups } from '../seats/seats.js';
import {
  type AssignmentInput,
  type AssignmentPerson,
  type AssignmentReport,
  assignGroups,
  evaluateAssignment,
} from './assignment/index.js';

/**
 * Breakout groups of an event: the draft assignment of confirmed registrations to groups (automatic,
 * see assignment/assign.ts, or by hand), then its publication. Before publication attendees do not see
 * their group; after it, every change of someone's group queues an update of their invite.
 */

export type AssignMode = 'unassigned' | 'all';

export interface GroupView {
  session: EventSession;
  members: Registration[];
  /** structure type -> members of that type */
  counts: Record<string, number>;
  /** structure type -> fair share (real) */
  fairShare: Record<string, number>;
  /** structure type -> count - fair share, rounded to 2 decimals */
  gaps: Record<string, number>;
}

export interface GroupsView {
  event: Event;
  groups: GroupView[];
  unassigned: Registration[];
  /** Structure types present among the confirmed registrations, in the event's order. */
  types: string[];
  balance: AssignmentReport;
  published: boolean;
  /** Registration id -> the groups the person asked for, first choice first (none: no entry or empty). */
  preferences: Map<number, number[]>;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

async function confirmed(em: EntityManager, event: Event): Promise<Registration[]> {
  return em.find(
    Registration,
    { event: event.id, status: 'confirmed' },
    { populate: ['group'], orderBy: { id: 'asc' } },
  );
}

async function ensureSessions(em: EntityManager, event: Event) {
  if (!event.sessions.isInitialized()) await em.populate(event, ['sessions']);
}

async function assignmentInput(
  em: EntityManager,
  event: Event,
  registrations: Registration[],
  mode: AssignMode,
): Promise<AssignmentInput> {
  const definition = await loadDefinition(em, event);
  const people: AssignmentPerson[] = registrations.map((r) => ({
    id: r.id,
    structureType: r.structureType,
    organisation: r.organisation,
    preferences: groupPreferences(definition, r.answers),
    groupId: r.group?.id ?? null,
    locked: r.groupLocked,
  }));
  return { groups: breakouts(event).map((s) => ({ id: s.id, capacity: s.capacity ?? null })), people, mode };
}

export async function groupsView(em: EntityManager, event: Event): Promise<GroupsView> {
  await ensureSessions(em, event);
  const registrations = await confirmed(em, event);
  const input = await assignmentInput(em, event, registrations, 'all');
  const balance = evaluateAssignment(input, new Map(registrations.map((r) => [r.id, r.group?.id ?? null])));
  const order = event.structureTypes.map((t) => t.key);
  const present = new Set(registrations.map((r) => r.structureType));
  const types = [...order.filter((k) => present.has(k)), ...[...present].filter((k) => !order.includes(k)).sort()];
  const groups = breakouts(event).map((session) => {
    const members = registrations.filter((r) => r.group?.id === session.id);
    const counts: Record<string, number> = {};
    const fairShare: Record<string, number> = {};
    const gaps: Record<string, number> = {};
    for (const type of types) {
      counts[type] = members.filter((m) => m.structureType === type).length;
      fairShare[type] = round2(balance.fairShare[type]?.[session.id] ?? 0);
      gaps[type] = round2(counts[type] - (balance.fairShare[type]?.[session.id] ?? 0));
    }
    return { session, members, counts, fairShare, gaps };
  });
  const ids = new Set(groups.map((g) => g.session.id));
  const unassigned = registrations.filter((r) => !r.group || !ids.has(r.group.id));
  const preferences = new Map(input.people.map((p) => [p.id, p.preferences ?? []]));
  return { event, groups, unassigned, types, balance, published: event.assignmentsPublishedAt != null, preferences };
}

/** After publication, changes of groups are sent as invite updates; before, nothing is sent. */
async function withUpdates<T>(
  em: EntityManager,
  event: Event,
  mail: MailSettings | undefined,
  cause: string,
  change: () => Promise<T>,
): Promise<T> {
  await ensureSessions(em, event);
  const watch = event.assignmentsPublishedAt && mail ? await watchInvites(em, event, mail) : null;
  const result = await change();
  await em.flush();
  if (watch) await watch.queueChanges(em, cause);
  return result;
}

/** Runs the automatic assignment and saves it; returns the report of what it achieved. */
export async function autoAssign(
  em: EntityManager,
  event: Event,
  mode: AssignMode,
  mail?: MailSettings,
): Promise<AssignmentReport> {
  return em.transactional(async (tx) => {
    await ensureSessions(tx, event);
    // Manual moves into any group wait until this assignment is saved, and it counts after theirs.
    await lockGroups(
      tx,
      breakouts(event).map((s) => s.id),
    );
    const registrations = await confirmed(tx, event);
    const input = await assignmentInput(tx, event, registrations, mode);
    const result = assignGroups(input);
    const sessions = new Map(breakouts(event).map((s) => [s.id, s]));
    await withUpdates(tx, event, mail, `groups:auto:${Date.now()}`, async () => {
      const now = new Date();
      for (const r of registrations) {
        const target = result.assignments.get(r.id) ?? null;
        const session = target == null ? null : (sessions.get(target) ?? null);
        if ((r.group?.id ?? null) !== (session?.id ?? null)) {
          r.group = session;
          if (!session) r.groupLocked = false;
          r.updatedAt = now;
        }
      }
    });
    return result.report;
  });
}

/** The event's breakout group of this id: a group of another event, or none, is refused. */
async function groupOf(em: EntityManager, event: Event, groupId: number | null): Promise<EventSession | null> {
  if (groupId == null) return null;
  const session = event.sessions.getItems().find((s) => s.id === groupId);
  if (!session) {
    const elsewhere = Number.isSafeInteger(groupId) && (await em.count(EventSession, { id: groupId })) > 0;
    const code = elsewhere ? 'group_other_event' : 'group_unknown';
    throw new AppError(code, [{ field: 'groupId', code }]);
  }
  if (session.kind !== 'breakout')
    throw new AppError('group_not_breakout', [{ field: 'groupId', code: 'group_not_breakout' }]);
  return session;
}

async function confirmedOf(em: EntityManager, event: Event, registrationId: number): Promise<Registration> {
  const r = Number.isSafeInteger(registrationId)
    ? await em.findOne(Registration, { id: registrationId, event: event.id }, { populate: ['group'] })
    : null;
  if (!r) throw new AppError('not_found');
  if (r.status !== 'confirmed')
    throw new AppError('group_not_confirmed', [{ field: 'registrationId', code: 'group_not_confirmed' }]);
  return r;
}

/** Moves one confirmed registration to a group (or out of any: null), optionally locking it there. */
export async function moveToGroup(
  em: EntityManager,
  event: Event,
  registrationId: number,
  groupId: number | null,
  options: { locked?: boolean; mail?: MailSettings } = {},
): Promise<Registration> {
  const hasPlace = groupId == null ? null : await groupPlaceCheck(em, event.id, groupId);
  return em.transactional(async (tx) => {
    await ensureSessions(tx, event);
    const session = await groupOf(tx, event, groupId);
    const registration = await confirmedOf(tx, event, registrationId);
    if (hasPlace && session && session.capacity != null && registration.group?.id !== session.id) {
      if (!(await hasPlace(tx, { id: session.id, capacity: session.capacity })))
        throw new AppError('group_full', [
          { field: 'groupId', code: 'group_full', params: { capacity: session.capacity } },
        ]);
    }
    await withUpdates(tx, event, options.mail, `groups:move:${registration.id}:${Date.now()}`, async () => {
      registration.group = session;
      if (options.locked !== undefined) registration.groupLocked = options.locked;
      if (!session) registration.groupLocked = false;
      registration.updatedAt = new Date();
    });
    return registration;
  });
}

/** Locks or unlocks a registration in its current group (the automatic assignment keeps locked people). */
export async function setLocked(
  em: EntityManager,
  event: Event,
  registrationId: number,
  locked: boolean,
): Promise<Registration> {
  const registration = await confirmedOf(em, event, registrationId);
  registration.groupLocked = locked && registration.group != null;
  registration.updatedAt = new Date();
  await em.flush();
  return registration;
}

/** Swaps the groups of two confirmed registrations (and their locks); capacities are unchanged. */
export async function swapGroups(
  em: EntityManager,
  event: Event,
  firstId: number,
  secondId: number,
  mail?: MailSettings,
): Promise<void> {
  if (firstId === secondId) throw new AppError('group_swap_same', [{ field: 'second', code: 'group_swap_same' }]);
  await em.transactional(async (tx) => {
    await ensureSessions(tx, event);
    const a = await confirmedOf(tx, event, firstId);
    const b = await confirmedOf(tx, event, secondId);
    await withUpdates(tx, event, mail, `groups:swap:${a.id}:${b.id}:${Date.now()}`, async () => {
      const group = a.group;
      a.group = b.group;
      b.group = group;
      const locked = a.groupLocked;
      a.groupLocked = b.groupLocked && a.group != null;
      b.groupLocked = locked && b.group != null;
      a.updatedAt = b.updatedAt = new Date();
    });
  });
}

/** Confirmed attendees who have a group: those told at publication. */
export async function assignedCount(em: EntityManager, event: Event): Promise<number> {
  return em.count(Registration, { event: event.id, status: 'confirmed', group: { $ne: null } });
}

/**
 * Publishes the assignments: from now on attendees see their group on their page and in their invite,
 * and each assigned confirmed attendee gets an update of their invite with their group. Returns how many.
 *
 * src/mail/ offers no "send this invite update" function, only watchInvites (which compares invites
 * before and after a change). Since the invite of the outbox always includes the group, the "before" is
 * taken with the groups hidden in memory (never flushed), so every assigned attendee gets an update.
 */
export async function publishAssignments(em: EntityManager, event: Event, mail?: MailSettings): Promise<number> {
  return em.transactional(async (tx) => {
    await ensureSessions(tx, event);
    const registrations = await confirmed(tx, event);
    const now = new Date();
    event.assignmentsPublishedAt = now;
    event.updatedAt = now;
    tx.persist(event);
    if (!mail) {
      await tx.flush();
      return registrations.filter((r) => r.group).length;
    }
    await tx.flush();
    const groups = new Map(registrations.map((r) => [r.id, r.group]));
    for (const r of registrations) r.group = null;
    let watch: Awaited<ReturnType<typeof watchInvites>>;
    try {
      watch = await watchInvites(tx, event, mail);
    } finally {
      for (const r of registrations) r.group = groups.get(r.id) ?? null;
    }
    return watch.queueChanges(tx, `groups:published:${now.getTime()}`);
  });
}
