import type { EntityManager } from '@mikro-orm/core';
import type { FieldError } from '../errors.js';
import type { Event, Side, StructureType } from './event.entity.js';
import { sidesOf, typeSide } from './sides.js';

/** How many people's names a refusal quotes before "…". */
const NAMES_SHOWN = 3;

/**
 * Why sides about to be removed cannot go: the structure types still on them (their own side, or their usual one
 * when they have none) and the people whose side was set by hand to one of them (cancelled people included: their
 * registration keeps it). One error per side and kind of use; none when nothing removed is in use.
 * `types` are the structure types as they will be after the change (the same form may move a type off the side).
 */
export async function sidesInUse(
  em: EntityManager,
  event: Event,
  sides: Side[],
  types: StructureType[],
): Promise<FieldError[]> {
  const before = sidesOf(event);
  const kept = new Set(sides.map((s) => s.key));
  const removed = before.filter((s) => !kept.has(s.key));
  if (removed.length === 0) return [];
  const errors: FieldError[] = [];
  const people = await peopleOnSides(
    em,
    event.id,
    removed.map((s) => s.key),
  );
  for (const side of removed) {
    const typesOnIt = types.filter((t) => (t.side ?? typeSide(before, types, t.key)) === side.key);
    if (typesOnIt.length > 0)
      errors.push({
        field: 'sides',
        code: 'side_used_by_types',
        params: { label: side.label, count: typesOnIt.length, types: typesOnIt.map((t) => t.label).join(', ') },
      });
    const names = people.get(side.key);
    if (names && names.count > 0)
      errors.push({
        field: 'sides',
        code: 'side_used_by_people',
        params: {
          label: side.label,
          count: names.count,
          names: names.shown.join(', ') + (names.count > names.shown.length ? ', …' : ''),
        },
      });
  }
  return errors;
}

async function peopleOnSides(
  em: EntityManager,
  eventId: number,
  keys: string[],
): Promise<Map<string, { count: number; shown: string[] }>> {
  const rows: { side: string; first_name: string; last_name: string }[] = await em
    .getConnection()
    .execute(
      `select side, first_name, last_name from registration where event_id = ? and side in (${keys.map(() => '?').join(', ')}) order by id`,
      [eventId, ...keys],
      'all',
      em.getTransactionContext(),
    );
  const bySide = new Map<string, { count: number; shown: string[] }>();
  for (const row of rows) {
    const entry = bySide.get(row.side) ?? { count: 0, shown: [] };
    entry.count++;
    if (entry.shown.length < NAMES_SHOWN) entry.shown.push(`${row.first_name} ${row.last_name}`.trim());
    bySide.set(row.side, entry);
  }
  return bySide;
}
