import type { EntityManager } from '@mikro-orm/core';
import { Registration } from '../registrations/registration.entity.js';

/**
 * Takes the row lock of these breakout groups until the transaction ends (a no-op write: PostgreSQL
 * locks the row, SQLite the database), so the moves into a group take turns and each one counts the
 * members after the previous move committed. Ids in order, so two transactions never wait on each other crosswise.
 */
export async function lockGroups(tx: EntityManager, groupIds: number[]): Promise<void> {
  for (const id of [...new Set(groupIds)].sort((a, b) => a - b)) {
    await tx
      .getConnection()
      .execute('update event_session set capacity = capacity where id = ?', [id], 'run', tx.getTransactionContext());
  }
}

export async function groupMembers(em: EntityManager, eventId: number, groupId: number): Promise<number> {
  return em.count(Registration, { event: eventId, status: 'confirmed', group: groupId });
}

/**
 * The naive count that the group race test must catch (ATELIER_UNSAFE_CAPACITY_CHECK): read outside
 * the move's transaction and without the lock, so parallel moves all see the same free place.
 * Never used in production.
 */
export async function naiveGroupMembers(em: EntityManager, eventId: number, groupId: number): Promise<number> {
  const members = await groupMembers(em.fork(), eventId, groupId);
  await new Promise((resolve) => setImmediate(resolve));
  return members;
}
