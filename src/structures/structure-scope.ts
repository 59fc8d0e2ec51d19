/**
 * What an organiser sees of the network's structures: those with registrations in the events they are on the
 * team of (any role to read; organiser or owner to change them). Counts cover those events only.
 */
import type { EntityManager } from '@mikro-orm/core';
import { EventMember } from '../access/event-member.entity.js';
import { Event } from '../events/event.entity.js';
import { sidesOf } from '../events/sides.js';
import { normalizeStructureName } from './normalize.js';
import { Structure } from './structure.entity.js';

export interface Scope {
  /** Events the organiser may read. */
  eventIds: number[];
  /** Events the organiser may change (organiser or owner). */
  editableEventIds: number[];
}

export async function scopeOf(em: EntityManager, organiserId: number): Promise<Scope> {
  const members = await em.find(EventMember, { organiser: organiserId }, { fields: ['event', 'role'] });
  return {
    eventIds: members.map((m) => m.event.id),
    editableEventIds: members.filter((m) => m.role !== 'viewer').map((m) => m.event.id),
  };
}

const marks = (ids: unknown[]) => ids.map(() => '?').join(', ');

export interface StructureRow {
  id: number;
  name: string;
  normalizedKey: string;
  structureType: string | null;
  side: string | null;
  communeCode: string | null;
  directoryConsent: boolean;
  directoryValidatedAt: Date | null;
  registrations: number;
  events: number;
}

export interface StructurePage {
  items: StructureRow[];
  total: number;
}

/** One page of the structures in scope (not merged), by name; `q` searches the name's key (any spelling). */
export async function listStructures(
  em: EntityManager,
  eventIds: number[],
  options: { q?: string; page?: number; perPage?: number } = {},
): Promise<StructurePage> {
  if (eventIds.length === 0) return { items: [], total: 0 };
  const perPage = Math.min(Math.max(Math.floor(options.perPage ?? 50), 1), 500);
  const page = Math.max(Math.floor(options.page ?? 1), 1);
  const key = options.q ? normalizeStructureName(options.q.slice(0, 200)) : '';
  // A key holds only letters, digits and spaces: nothing LIKE reads as a wildcard.
  const search = key ? ' and s.normalized_key like ?' : '';
  const params = [...eventIds, ...(key ? [`%${key}%`] : [])];
  const from = `from structure s join registration r on r.structure_id = s.id
    where s.merged_into_id is null and r.event_id in (${marks(eventIds)})${search}`;
  const conn = em.getConnection();
  const [{ total }] = await conn.execute(`select count(distinct s.id) as total ${from}`, params);
  const rows: Record<string, unknown>[] = await conn.execute(
    `select s.id, s.name, s.normalized_key, s.structure_type, s.side, s.commune_code, s.directory_consent,
       s.directory_validated_at, count(r.id) as registrations, count(distinct r.event_id) as events ${from}
     group by s.id, s.name, s.normalized_key, s.structure_type, s.side, s.commune_code, s.directory_consent,
       s.directory_validated_at
     order by s.name, s.id limit ? offset ?`,
    [...params, perPage, (page - 1) * perPage],
  );
  return {
    total: Number(total),
    items: rows.map((row) => ({
      id: Number(row.id),
      name: String(row.name),
      normalizedKey: String(row.normalized_key),
      structureType: (row.structure_type as string | null) ?? null,
      side: (row.side as string | null) ?? null,
      communeCode: (row.commune_code as string | null) ?? null,
      directoryConsent: row.directory_consent === true || Number(row.directory_consent) === 1,
      directoryValidatedAt: row.directory_validated_at == null ? null : new Date(row.directory_validated_at as string),
      registrations: Number(row.registrations),
      events: Number(row.events),
    })),
  };
}

/** Whether the structure (or, merged, the one it was merged into) has registrations in these events. */
export async function inScope(em: EntityManager, eventIds: number[], structure: Structure): Promise<boolean> {
  if (eventIds.length === 0) return false;
  let live: Structure | null = structure;
  for (let hop = 0; hop < 50 && live?.mergedInto; hop++) live = await em.findOne(Structure, { id: live.mergedInto.id });
  if (!live) return false;
  const rows = await em
    .getConnection()
    .execute(
      `select 1 as found from registration where structure_id = ? and event_id in (${marks(eventIds)}) limit 1`,
      [live.id, ...eventIds],
    );
  return rows.length > 0;
}

export interface HistoryRow {
  eventId: number;
  title: string;
  year: number;
  registrations: number;
}

/** The events of the structure among these, oldest first, with its number of registrations at each. */
export async function structureHistory(em: EntityManager, structureId: number, eventIds: number[]) {
  if (eventIds.length === 0) return [];
  const rows: { event_id: number; registrations: number | string }[] = await em.getConnection().execute(
    `select event_id, count(*) as registrations from registration
       where structure_id = ? and event_id in (${marks(eventIds)}) group by event_id`,
    [structureId, ...eventIds],
  );
  const counts = new Map(rows.map((row) => [Number(row.event_id), Number(row.registrations)]));
  const events = await em.find(Event, { id: { $in: [...counts.keys()] } }, { orderBy: { startsAt: 'asc', id: 'asc' } });
  return events.map((event) => ({
    eventId: event.id,
    title: event.title,
    year: event.startsAt.getUTCFullYear(),
    registrations: counts.get(event.id) ?? 0,
  }));
}

/** The structure types and sides of these events (the latest event's label for a key), for the edit form. */
export async function typesAndSides(em: EntityManager, eventIds: number[]) {
  const events = eventIds.length
    ? await em.find(Event, { id: { $in: eventIds } }, { orderBy: { startsAt: 'asc', id: 'asc' } })
    : [];
  const types = new Map<string, string>();
  const sides = new Map<string, string>();
  for (const event of events) {
    for (const type of event.structureTypes) types.set(type.key, type.label);
    for (const side of sidesOf(event)) sides.set(side.key, side.label);
  }
  return { types, sides };
}

/**
 * Whether a merge or split would move a registration of an event the organiser may not change: those of the
 * structure `structureId`, or the registrations `registrationIds`. Either is refused then (another
 * organiser's registrations are theirs to regroup).
 */
export async function movesOthersRegistrations(
  em: EntityManager,
  editableEventIds: number[],
  what: { structureId: number } | { registrationIds: number[] },
): Promise<boolean> {
  const outside = editableEventIds.length ? ` and event_id not in (${marks(editableEventIds)})` : '';
  const conn = em.getConnection();
  if ('structureId' in what) {
    const rows = await conn.execute(`select 1 as found from registration where structure_id = ?${outside} limit 1`, [
      what.structureId,
      ...editableEventIds,
    ]);
    return rows.length > 0;
  }
  for (let start = 0; start < what.registrationIds.length; start += 500) {
    const chunk = what.registrationIds.slice(start, start + 500);
    const rows = await conn.execute(
      `select 1 as found from registration where id in (${marks(chunk)})${outside} limit 1`,
      [...chunk, ...editableEventIds],
    );
    if (rows.length > 0) return true;
  }
  return false;
}
