/**
 * Gives every registration without a structure the structure its organisation names (by normalised key),
 * creating the missing structures. Written in plain SQL with `?` placeholders for both dialects, so that the
 * migration that added structures runs it against the schema of its day, whatever the entities become.
 * Registrations whose organisation is empty (anonymised ones) stay without a structure.
 */
import { normalizeStructureName } from './normalize.js';
const CHUNK = 100;
/** The most frequent value (the first seen among equals), or null. */
function mostFrequent(counts) {
  let best = null;
  let bestCount = 0;
  for (const [value, count] of counts) {
    if (count > bestCount) {
      best = value;
      bestCount = count;
    }
  }
  return best;
}
function tally(counts, value) {
  if (value) counts.set(value, (counts.get(value) ?? 0) + 1);
}
/** `now`: the current time as the dialect stores it (a number of milliseconds on SQLite, a Date on PostgreSQL). */
export async function backfillStructures(execute, now) {
  const rows = await execute(
    'select id, organisation, structure_type, side from registration where structure_id is null order by id',
  );
  const groups = new Map();
  for (const row of rows) {
    const name = (row.organisation ?? '').trim();
    const key = normalizeStructureName(name);
    if (!key) continue;
    let group = groups.get(key);
    if (!group) {
      group = { registrationIds: [], names: new Map(), types: new Map(), sides: new Map() };
      groups.set(key, group);
    }
    group.registrationIds.push(Number(row.id));
    tally(group.names, name.slice(0, 200));
    tally(group.types, row.structure_type);
    tally(group.sides, row.side);
  }
  const idOfKey = async () => {
    const existing = await execute('select id, normalized_key from structure where merged_into_id is null order by id');
    const ids = new Map();
    for (const row of existing) if (!ids.has(row.normalized_key)) ids.set(row.normalized_key, Number(row.id));
    return ids;
  };
  const known = await idOfKey();
  const missing = [...groups.keys()].filter((key) => !known.has(key));
  for (let start = 0; start < missing.length; start += CHUNK) {
    const chunk = missing.slice(start, start + CHUNK);
    const params = chunk.flatMap((key) => {
      const group = groups.get(key);
      return [mostFrequent(group.names), key, mostFrequent(group.types), mostFrequent(group.sides), now, now];
    });
    await execute(
      `insert into structure (name, normalized_key, structure_type, side, created_at, updated_at) values ${chunk
        .map(() => '(?, ?, ?, ?, ?, ?)')
        .join(', ')}`,
      params,
    );
  }
  const ids = missing.length > 0 ? await idOfKey() : known;
  let linked = 0;
  for (const [key, group] of groups) {
    const id = ids.get(key);
    for (let start = 0; start < group.registrationIds.length; start += CHUNK * 5) {
      const chunk = group.registrationIds.slice(start, start + CHUNK * 5);
      await execute(`update registration set structure_id = ? where id in (${chunk.map(() => '?').join(', ')})`, [
        id,
        ...chunk,
      ]);
      linked += chunk.length;
    }
  }
  return { created: missing.length, linked };
}
