/**
 * Reads the rows the network statistics are computed from (network-stats.ts): the events in scope,
 * their registrations (one query, only the columns counted), their attendance per meeting (src/cycles)
 * and the structures, merges followed.
 */
import type { EntityManager } from '@mikro-orm/core';
import { isCycle, meetingsOf } from '../cycles/meetings.js';
import type { Event } from '../events/event.entity.js';
import { listEvents } from '../events/event.service.js';
import { DEFAULT_SIDES, personSide, sidesOf } from '../events/sides.js';
import { DEFAULT_STRUCTURE_TYPES } from '../events/structure-types.js';
import { utcToZonedLocal } from '../shared/time.js';
import { MEETING_STATES, type MeetingState } from './network-meetings.js';
import {
  type Labels,
  type NetworkInput,
  type StatRegistration,
  type StatStructure,
  type YearStatistics,
  networkStatistics,
} from './network-stats.js';
import { territoryLookup } from './territory-lookup.js';

/** The years the page and the API accept. */
export const MIN_YEAR = 2000;
export const MAX_YEAR = 2100;

const yearOf = (event: Pick<Event, 'startsAt' | 'timezone'>) =>
  Number(utcToZonedLocal(event.startsAt, event.timezone).slice(0, 4));

/** Labels of structure types and sides: the latest event's wording first, then the defaults, then the key. */
export function networkLabels(events: Pick<Event, 'structureTypes' | 'sides'>[]): Labels {
  const types = new Map<string, string>();
  const sides = new Map<string, string>();
  for (const event of events) {
    for (const type of event.structureTypes) if (!types.has(type.key)) types.set(type.key, type.label);
    for (const side of sidesOf(event)) if (!sides.has(side.key)) sides.set(side.key, side.label);
  }
  for (const type of DEFAULT_STRUCTURE_TYPES) if (!types.has(type.key)) types.set(type.key, type.label);
  for (const side of DEFAULT_SIDES) if (!sides.has(side.key)) sides.set(side.key, side.label);
  return { structureType: (key) => types.get(key) ?? key, side: (key) => sides.get(key) ?? key };
}

/** Every structure, with the structure it was merged into followed to the end. */
export async function loadStructures(
  em: EntityManager,
): Promise<{ structures: StatStructure[]; target: Map<number, number> }> {
  const rows: Record<string, unknown>[] = await em
    .getConnection()
    .execute('select id, name, structure_type, side, commune_code, merged_into_id from structure', [], 'all');
  const mergedInto = new Map<number, number>();
  for (const row of rows)
    if (row.merged_into_id !== null && row.merged_into_id !== undefined)
      mergedInto.set(Number(row.id), Number(row.merged_into_id));
  const target = new Map<number, number>();
  for (const id of mergedInto.keys()) {
    let current = id;
    // A chain of merges, never a loop: at most as many steps as there are merges.
    for (let step = 0; step <= mergedInto.size && mergedInto.has(current); step++)
      current = mergedInto.get(current) as number;
    target.set(id, current);
  }
  const structures = rows
    .filter((row) => !mergedInto.has(Number(row.id)))
    .map((row) => ({
      id: Number(row.id),
      name: String(row.name),
      structureType: row.structure_type ? String(row.structure_type) : null,
      side: row.side ? String(row.side) : null,
      communeCode: row.commune_code ? String(row.commune_code) : null,
    }));
  return { structures, target };
}

type Rows = Record<string, unknown>[];

/** The attendance rows recorded for the registrations of the events `ids`, by registration. */
async function loadAttendance(em: EntityManager, ids: number[]) {
  const rows: Rows = await em.getConnection().execute(
    `select a.registration_id, a.session_id, a.state from attendance a
       join registration r on r.id = a.registration_id where r.event_id in (${ids.map(() => '?').join(', ')})`,
    ids,
    'all',
  );
  const byRegistration = new Map<number, { sessionId: number; state: MeetingState }[]>();
  for (const row of rows) {
    const state = String(row.state) as MeetingState;
    if (!MEETING_STATES.includes(state)) continue;
    const id = Number(row.registration_id);
    if (!byRegistration.has(id)) byRegistration.set(id, []);
    byRegistration.get(id)?.push({ sessionId: Number(row.session_id), state });
  }
  return byRegistration;
}

/** The rows of the events `eventIds` (all the organiser's), ready for networkStatistics. */
export async function loadNetwork(
  em: EntityManager,
  eventIds: number[],
): Promise<{ input: NetworkInput; labels: Labels; events: Event[] }> {
  const events = eventIds.length ? await listEvents(em, { ids: eventIds }) : [];
  const { structures, target } = await loadStructures(em);
  const byId = new Map(events.map((e) => [e.id, e]));
  const registrations: StatRegistration[] = [];
  const sideCache = new Map<string, string>();
  const CHUNK = 500;
  for (let i = 0; i < events.length; i += CHUNK) {
    const ids = events.slice(i, i + CHUNK).map((e) => e.id);
    const attendance = await loadAttendance(em, ids);
    const rows: Rows = await em
      .getConnection()
      .execute(
        `select id, event_id, status, checked_in_at, structure_type, side, structure_id from registration where event_id in (${ids.map(() => '?').join(', ')})`,
        ids,
        'all',
      );
    for (const row of rows) {
      const eventId = Number(row.event_id);
      const structureType = String(row.structure_type);
      const ownSide = row.side ? String(row.side) : null;
      const cacheKey = `${eventId}\u0000${structureType}\u0000${ownSide ?? ''}`;
      let side = sideCache.get(cacheKey);
      if (side === undefined) {
        side = personSide(byId.get(eventId) as Event, { structureType, side: ownSide });
        sideCache.set(cacheKey, side);
      }
      const structureId = row.structure_id === null || row.structure_id === undefined ? null : Number(row.structure_id);
      registrations.push({
        eventId,
        status: row.status as StatRegistration['status'],
        checkedIn: row.checked_in_at !== null && row.checked_in_at !== undefined,
        structureId: structureId === null ? null : (target.get(structureId) ?? structureId),
        structureType,
        side,
        attendance: attendance.get(Number(row.id)) ?? [],
      });
    }
  }
  const input: NetworkInput = {
    events: events.map((event) => {
      const meetings = meetingsOf(event);
      return {
        id: event.id,
        year: yearOf(event),
        title: event.title,
        held: event.status !== 'draft',
        workingGroup: !event.sessions.getItems().some((s) => s.kind === 'breakout'),
        timezone: event.timezone,
        cycle: isCycle(event),
        meetings: meetings.map((s) => ({ id: s.id, title: s.title, startsAt: s.startsAt.toISOString() })),
      };
    }),
    registrations,
    structures,
  };
  // listEvents gives the latest first: its wording wins.
  return { input, labels: networkLabels(events), events };
}

/** The statistics of the years `from`..`to` over the events `eventIds`. */
export async function networkReport(
  em: EntityManager,
  eventIds: number[],
  range: { from: number; to: number },
): Promise<{ years: YearStatistics[]; events: Event[] }> {
  const { input, labels, events } = await loadNetwork(em, eventIds);
  return { years: networkStatistics(input, range, labels, territoryLookup), events };
}

/** The year range asked for, within bounds, `from` ≤ `to` (swapped otherwise); missing: every year. */
export function yearRange(from: number | undefined, to: number | undefined): { from: number; to: number } {
  const clamp = (n: number | undefined, fallback: number) =>
    n === undefined || !Number.isInteger(n) ? fallback : Math.min(MAX_YEAR, Math.max(MIN_YEAR, n));
  const a = clamp(from, MIN_YEAR);
  const b = clamp(to, MAX_YEAR);
  return a <= b ? { from: a, to: b } : { from: b, to: a };
}
