import type { EntityManager } from '@mikro-orm/core';
import { type Event, EventSession } from '../events/event.entity.js';
import { breakouts } from '../events/event-rules.js';
import { personSide, sideLabel, sidesOf } from '../events/sides.js';
import { AppError } from '../errors.js';
import { loadDefinition } from '../forms/form.service.js';
import { groupPreferences } from '../forms/group-preferences.js';
import type { MailSettings } from '../mail/outbox.service.js';
import { pendingGroupChanges, queueGroupChanges } from '../mail/group-mail.js';
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
  /** side -> members on that side; side -> fair share (2 decimals) */
  countsBySide: Record<string, number>;
  fairShareBySide: Record<string, number>;
  /** Labels of the sides the group holds nobody of, while the event has people on them. */
  missingSides: string[];
}

export interface GroupsView {
  event: Event;
  groups: GroupView[];
  unassigned: Registration[];
  /** Structure types present among the confirmed registrations, in the event's order. */
  types: string[];
  /** The event's sides, in its order. */
  sides: { key: string; label: string }[];
  balance: AssignmentReport;
  published: boolean;
  /** Registration id -> the groups the person asked for, first choice first (none: no entry or empty). */
  preferences: Map<number, number[]>;
  /** How many people publishing (again) would email: those whose group is not in their last invite. */
  notified: number;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

export async function confirmed(em: EntityManager, event: Event): Promise<Registration[]> {
  return em.find(
    Registration,
    { event: event.id, status: 'confirmed' },
    { populate: ['group'], orderBy: { id: 'asc' } },
  );
}

async function ensureSessions(em: EntityManager, event: Event) {
  if (!event.sessions.isInitialized()) await em.populate(event, ['sessions']);
}

export async function assignmentInput(
  em: EntityManager,
  event: Event,
  registrations: Registration[],
  mode: AssignMode,
): Promise<AssignmentInput> {
  const definition = await loadDefinition(em, event);
  const people: AssignmentPerson[] = registrations.map((r) => ({
    id: r.id,
    structureType: r.structureType,
    side: personSide(event, r),
    organisation: r.organisation,
    preferences: groupPreferences(definition, r.answers),
    groupId: r.group?.id ?? null,
    locked: r.groupLocked,
  }));
  const groups = breakouts(event).map((s) => ({ id: s.id, capacity: s.capacity ?? null }));
  return { groups, people, mode, sides: sidesOf(event).map((s) => s.key) };
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
    return { session, members, counts, fairShare, gaps, ...sideFigures(event, balance, session.id) };
  });
  const ids = new Set(groups.map((g) => g.session.id));
  const unassigned = registrations.filter((r) => !r.group || !ids.has(r.group.id));
  const preferences = new Map(input.people.map((p) => [p.id, p.preferences ?? []]));
  return {
    event,
    groups,
    unassigned,
    types,
    sides: sidesOf(event),
    balance,
    published: event.assignmentsPublishedAt != null,
    notified: await pendingGroupChanges(em, event),
    preferences,
  };
}

function sideFigures(event: Event, balance: AssignmentReport, groupId: number) {
  const sides = sidesOf(event);
  const countsBySide: Record<string, number> = {};
  const fairShareBySide: Record<string, number> = {};
  for (const side of sides) {
    countsBySide[side.key] = balance.sideCounts[side.key]?.[groupId] ?? 0;
    fairShareBySide[side.key] = round2(balance.sideFairShare[side.key]?.[groupId] ?? 0);
  }
  const missingSides = balance.missingSides.filter((m) => m.groupId === groupId).map((m) => sideLabel(sides, m.side));
  return { countsBySide, fairShareBySide, missingSides };
}

/** After publication, whoever's group changes gets the group email; before, nothing is sent. */
async function withUpdates<T>(
  em: EntityManager,
  event: Event,
  mail: MailSettings | undefined,
  cause: string,
  change: () => Promise<T>,
): Promise<T> {
  await ensureSessions(em, event);
  const result = await change();
  await em.flush();
  if (event.assignmentsPublishedAt && mail) await queueGroupChanges(em, event, mail, cause);
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
export async function groupOf(em: EntityManager, event: Event, groupId: number | null): Promise<EventSession | null> {
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

export async function confirmedOf(em: EntityManager, event: Event, registrationId: number): Promise<Registration> {
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

/**
 * Publishes the assignments: from now on attendees see their group on their page and in their invite.
 * Each confirmed attendee whose group is not the one of their last invite gets the group email; on a
 * second publication that is nobody, unless something slipped past (e.g. sent without mail settings).
 * Returns how many people are written to.
 */
export async function publishAssignments(em: EntityManager, event: Event, mail?: MailSettings): Promise<number> {
  return em.transactional(async (tx) => {
    await ensureSessions(tx, event);
    const now = new Date();
    if (!event.assignmentsPublishedAt) event.assignmentsPublishedAt = now;
    event.updatedAt = now;
    tx.persist(event);
    await tx.flush();
    if (!mail) return pendingGroupChanges(tx, event);
    return queueGroupChanges(tx, event, mail, `groups:published:${now.getTime()}`);
  });
}
