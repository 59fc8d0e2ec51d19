import type { EntityManager } from '@mikro-orm/core';
import { publicCacheChanged } from '../registrations/event-cache.js';
import { Registration } from '../registrations/registration.entity.js';

/**
 * Seat counting, in one place: the seats of an event (registrations, cancellations, walk-ins) and
 * the places of its breakout groups. Every count that must hold under parallel requests is decided
 * by the database, never by a read followed by a write:
 * - an event's seats are its `confirmed_count`, changed only here, each time in one conditional
 *   UPDATE (the same statement on SQLite and PostgreSQL);
 * - a breakout group's places are counted under the group's row lock (PostgreSQL; SQLite's write
 *   lock serialises the whole database), so moves into one group take turns.
 * The public registration page shows the seats left: every change of the counter empties its cache.
 */

type Seats = { id: number; capacity: number | null };
type Group = { id: number; capacity: number };

function run(tx: EntityManager, sql: string, params: unknown[]): Promise<unknown> {
  return tx.getConnection().execute(sql, params, 'run', tx.getTransactionContext());
}

async function seatsChanged(tx: EntityManager, eventId: number, sql: string): Promise<boolean> {
  const result = (await run(tx, sql, [eventId])) as { affectedRows: number };
  const changed = result.affectedRows === 1;
  if (changed) publicCacheChanged(tx, 'seats');
  return changed;
}

/** Takes one seat if one is left: true when taken. Two requests can never both take the last one. */
export function claimSeat(tx: EntityManager, eventId: number): Promise<boolean> {
  return seatsChanged(
    tx,
    eventId,
    'update event set confirmed_count = confirmed_count + 1 where id = ? and (capacity is null or confirmed_count < capacity)',
  );
}

/** Gives back the seat of a confirmed registration that is cancelled. */
export async function releaseSeat(tx: EntityManager, eventId: number): Promise<void> {
  await seatsChanged(
    tx,
    eventId,
    'update event set confirmed_count = confirmed_count - 1 where id = ? and confirmed_count > 0',
  );
}

/**
 * Counts a seat even when the event is full: a walk-in is someone already in the room, and the counter
 * keeps meaning "confirmed registrations", so a later cancellation releases exactly what this took.
 */
export async function takeSeatEvenIfFull(tx: EntityManager, eventId: number): Promise<void> {
  await seatsChanged(tx, eventId, 'update event set confirmed_count = confirmed_count + 1 where id = ?');
}

/**
 * Takes the row lock of these breakout groups until the transaction ends (a no-op write: PostgreSQL
 * locks the row, SQLite the database), so the moves into a group take turns and each one counts the
 * members after the previous move committed. Ids in order, so two transactions never wait on each other crosswise.
 */
export async function lockGroups(tx: EntityManager, groupIds: number[]): Promise<void> {
  for (const id of [...new Set(groupIds)].sort((a, b) => a - b))
    await run(tx, 'update event_session set capacity = capacity where id = ?', [id]);
}

export function groupMembers(em: EntityManager, eventId: number, groupId: number): Promise<number> {
  return em.count(Registration, { event: eventId, status: 'confirmed', group: groupId });
}

/** Whether the group has a place for one more, holding its lock until the transaction ends. */
export async function groupHasPlace(tx: EntityManager, eventId: number, group: Group): Promise<boolean> {
  await lockGroups(tx, [group.id]);
  return (await groupMembers(tx, eventId, group.id)) < group.capacity;
}

/** A seat claim decided in the registration's transaction: true when the seat was taken. */
export type SeatClaim = (tx: EntityManager) => Promise<boolean>;
/** A place check decided in the move's transaction: true when the group has a place for one more. */
export type PlaceCheck = (tx: EntityManager, group: Group) => Promise<boolean>;

/**
 * How a registration takes its seat and a move its group place. Each is prepared before the write's
 * transaction and then run in it; the strategy used in production prepares nothing. The seam exists
 * for the race tests' controls (test/support/naive-seats.ts), which put a check-then-write in its
 * place to prove the races are seen.
 */
export interface SeatStrategy {
  seat(em: EntityManager, event: Seats): Promise<SeatClaim>;
  groupPlace(em: EntityManager, eventId: number, groupId: number): Promise<PlaceCheck>;
}

export const atomicSeats: SeatStrategy = {
  seat: async (_em, event) => (tx) => claimSeat(tx, event.id),
  groupPlace: async (_em, eventId) => (tx, group) => groupHasPlace(tx, eventId, group),
};

let strategy: SeatStrategy = atomicSeats;

/** Replaces the strategy (test entry points only); returns what puts the previous one back. */
export function setSeatStrategy(next: SeatStrategy): () => void {
  const previous = strategy;
  strategy = next;
  return () => {
    strategy = previous;
  };
}

/** The seat claim for a new registration of this event: prepare it before the transaction, run it in it. */
export function seatClaim(em: EntityManager, event: Seats): Promise<SeatClaim> {
  return strategy.seat(em, event);
}

/** The place check for a move into this group: prepare it before the transaction, run it in it. */
export function groupPlaceCheck(em: EntityManager, eventId: number, groupId: number): Promise<PlaceCheck> {
  return strategy.groupPlace(em, eventId, groupId);
}
