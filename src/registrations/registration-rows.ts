import type { EntityManager } from '@mikro-orm/core';
import { Registration, type RegistrationStatus } from './registration.entity.js';

export interface RegistrationFilter {
  structureType?: string;
  status?: RegistrationStatus;
  limit?: number;
  offset?: number;
}

/** A registration as the API lists it: its columns, its relations by id. */
export type RegistrationRow = Omit<Registration, 'event' | 'group' | 'structure'> & {
  event: { id: number };
  group: { id: number } | null;
  structure: { id: number } | null;
};

/**
 * A page of an event's registrations, oldest first, and how many there are in all. Read as rows,
 * not entities: the API only serialises them, and building a hundred managed entities (their
 * relations, their change tracking) cost several times the query itself (README, Performance).
 */
export async function listRegistrations(
  em: EntityManager,
  eventId: number,
  filter: RegistrationFilter = {},
): Promise<{ items: RegistrationRow[]; total: number }> {
  const where: Record<string, unknown> = { event: eventId };
  if (filter.structureType) where.structureType = filter.structureType;
  if (filter.status) where.status = filter.status;
  const [rows, total] = await Promise.all([
    em.getDriver().find<Registration>(Registration.meta.className, where, {
      orderBy: { createdAt: 'asc', id: 'asc' },
      // In the caller's transaction, if any (the count below is too).
      ctx: em.getTransactionContext(),
      limit: filter.limit,
      offset: filter.offset,
    }),
    em.count(Registration, where),
  ]);
  const answers = em.getMetadata().get(Registration.meta.className).properties.answers.customType;
  const platform = em.getPlatform();
  const items = rows.map((row) => {
    const { event, group, structure } = row as unknown as Record<'event' | 'group' | 'structure', number | null>;
    return {
      ...row,
      // The JSON column comes back as text on SQLite, parsed on PostgreSQL: the entity's own type reads both.
      answers: answers ? answers.convertToJSValue(row.answers, platform) : row.answers,
      event: { id: Number(event) },
      group: group == null ? null : { id: Number(group) },
      structure: structure == null ? null : { id: Number(structure) },
    } as RegistrationRow;
  });
  return { items, total };
}
