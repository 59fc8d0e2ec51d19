import type { EntityManager } from '@mikro-orm/core';
import type { Event } from '../events/event.entity.js';
import { breakouts } from '../events/event-rules.js';
import { personSide, sidesOf } from '../events/sides.js';
import { structureTypeLabel } from '../events/structure-types.js';
import { groupPlaceCheck } from '../seats/seats.js';
import { type AssignmentReport, evaluateAssignment } from './assignment/index.js';
import { assignmentInput, confirmed, confirmedOf, groupOf } from './groups.service.js';

/** One side's or one type's count in a group, before and after the move, and the group's fair share of it. */
export interface CountChange {
  key: string;
  label: string;
  before: number;
  after: number;
  fairShare: number;
}

/** What a move does to one of the two groups it touches. */
export interface GroupEffect {
  groupId: number;
  title: string;
  capacity: number | null;
  members: { before: number; after: number };
  sides: CountChange[];
  /** The types held by the group before or after (the person's among them). */
  types: CountChange[];
  /** Side keys the group would hold nobody of any more; side keys it would hold someone of again. */
  lostSides: string[];
  gainedSides: string[];
}

/** A hand move before it is made: both groups before → after, and both balances of the whole assignment. */
export interface MovePreview {
  registrationId: number;
  name: string;
  structureType: string;
  side: string;
  fromGroupId: number | null;
  toGroupId: number | null;
  /** Null: from, or to, no group. */
  from: GroupEffect | null;
  to: GroupEffect | null;
  /** The largest gap to a fair share, by type and by side, over all groups: before → after. */
  maxGap: { before: number; after: number };
  maxSideGap: { before: number; after: number };
  /** The target group has no seat left: the move would be refused. */
  full: boolean;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/**
 * The effect of moving one confirmed person to a group (or out of any: null), computed on the current assignment
 * and saving nothing. Refuses what the move itself would refuse (unknown group, not confirmed), except a full group,
 * which it reports.
 */
export async function previewMove(
  em: EntityManager,
  event: Event,
  registrationId: number,
  groupId: number | null,
): Promise<MovePreview> {
  const target = await groupOf(em, event, groupId);
  const person = await confirmedOf(em, event, registrationId);
  const registrations = await confirmed(em, event);
  const input = await assignmentInput(em, event, registrations, 'all');
  const now = new Map(registrations.map((r) => [r.id, r.group?.id ?? null]));
  const fromGroupId = person.group?.id ?? null;
  const before = evaluateAssignment(input, now);
  const after = evaluateAssignment(input, new Map(now).set(person.id, target?.id ?? null));
  const members = (map: Map<number, number | null>, id: number) => [...map.values()].filter((g) => g === id).length;
  const moved = new Map(now).set(person.id, target?.id ?? null);
  const effect = (id: number | null): GroupEffect | null => {
    const session = breakouts(event).find((s) => s.id === id);
    if (!session) return null;
    const change = groupChange(event, before, after, session.id);
    return {
      groupId: session.id,
      title: session.title,
      capacity: session.capacity ?? null,
      members: { before: members(now, session.id), after: members(moved, session.id) },
      ...change,
    };
  };
  let full = false;
  if (target && target.capacity != null && fromGroupId !== target.id) {
    const hasPlace = await groupPlaceCheck(em, event.id, target.id);
    full = !(await hasPlace(em, { id: target.id, capacity: target.capacity }));
  }
  return {
    registrationId: person.id,
    name: `${person.firstName} ${person.lastName}`.trim(),
    structureType: person.structureType,
    side: personSide(event, person),
    fromGroupId,
    toGroupId: target?.id ?? null,
    from: fromGroupId === (target?.id ?? null) ? null : effect(fromGroupId),
    to: effect(target?.id ?? null),
    maxGap: { before: round2(before.maxGap), after: round2(after.maxGap) },
    maxSideGap: { before: round2(before.maxSideGap), after: round2(after.maxSideGap) },
    full,
  };
}

function groupChange(event: Event, before: AssignmentReport, after: AssignmentReport, groupId: number) {
  const sides = sidesOf(event).map((side) => ({
    key: side.key,
    label: side.label,
    before: before.sideCounts[side.key]?.[groupId] ?? 0,
    after: after.sideCounts[side.key]?.[groupId] ?? 0,
    fairShare: round2(after.sideFairShare[side.key]?.[groupId] ?? 0),
  }));
  const typeKeys = [...new Set([...Object.keys(before.counts), ...Object.keys(after.counts)])];
  const order = event.structureTypes.map((t) => t.key);
  const types = typeKeys
    .map((key) => ({
      key,
      label: structureTypeLabel(event.structureTypes, key),
      before: before.counts[key]?.[groupId] ?? 0,
      after: after.counts[key]?.[groupId] ?? 0,
      fairShare: round2(after.fairShare[key]?.[groupId] ?? 0),
    }))
    .filter((row) => row.before > 0 || row.after > 0)
    .sort((a, b) => rank(order, a.key) - rank(order, b.key));
  return {
    sides,
    types,
    lostSides: sides.filter((s) => s.before > 0 && s.after === 0).map((s) => s.key),
    gainedSides: sides.filter((s) => s.before === 0 && s.after > 0).map((s) => s.key),
  };
}

const rank = (order: string[], key: string) => (order.includes(key) ? order.indexOf(key) : order.length);
