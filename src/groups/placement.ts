import type { EntityManager } from '@mikro-orm/core';
import type { Event, EventSession } from '../events/event.entity.js';
import { breakouts } from '../events/event-rules.js';
import { Registration } from '../registrations/registration.entity.js';
import { lockGroups } from '../seats/seats.js';
import { evaluateAssignment } from './assignment/index.js';
import { assignmentInput } from './groups.service.js';

/**
 * A person confirmed after the assignments were published (promoted from the waiting list) joins a
 * group with a free place: the one just freed when it has room, else the one where they keep the
 * balance of structure types best (smallest largest gap, then the emptiest group). Null when no
 * group has room, or before publication (the organiser assigns then). Call it in the transaction
 * that confirms them; the person's group is set, not flushed.
 */
export async function placeLateComer(
  tx: EntityManager,
  event: Event,
  person: Registration,
  freedGroupId: number | null,
): Promise<EventSession | null> {
  if (!event.assignmentsPublishedAt) return null;
  if (!event.sessions.isInitialized()) await tx.populate(event, ['sessions']);
  const groups = breakouts(event);
  if (!groups.length) return null;
  await lockGroups(
    tx,
    groups.map((g) => g.id),
  );
  const members = await tx.find(
    Registration,
    { event: event.id, status: 'confirmed' },
    { populate: ['group'], orderBy: { id: 'asc' } },
  );
  const others = members.filter((r) => r.id !== person.id);
  const size = (g: EventSession) => others.filter((r) => r.group?.id === g.id).length;
  const open = groups.filter((g) => g.capacity == null || size(g) < g.capacity);
  const chosen =
    open.find((g) => g.id === freedGroupId) ?? (await bestForBalance(tx, event, others, person, open, size));
  if (chosen) person.group = chosen;
  return chosen ?? null;
}

async function bestForBalance(
  tx: EntityManager,
  event: Event,
  others: Registration[],
  person: Registration,
  open: EventSession[],
  size: (g: EventSession) => number,
): Promise<EventSession | undefined> {
  if (open.length <= 1) return open[0];
  const input = await assignmentInput(tx, event, [...others, person], 'all');
  const current = new Map(others.map((r) => [r.id, r.group?.id ?? null]));
  const scored = open.map((g) => ({
    g,
    gap: evaluateAssignment(input, new Map(current).set(person.id, g.id)).maxGap,
    size: size(g),
  }));
  scored.sort((a, b) => a.gap - b.gap || a.size - b.size || a.g.id - b.g.id);
  return scored[0].g;
}

/** Confirmed people left without a group after publication: the organiser must place them (dashboard alert). */
export async function unplacedAfterPublication(em: EntityManager, event: Event): Promise<number> {
  if (!event.assignmentsPublishedAt) return 0;
  if (!event.sessions.isInitialized()) await em.populate(event, ['sessions']);
  const ids = breakouts(event).map((g) => g.id);
  if (!ids.length) return 0;
  return em.count(Registration, {
    event: event.id,
    status: 'confirmed',
    $or: [{ group: null }, { group: { $nin: ids } }],
  });
}
