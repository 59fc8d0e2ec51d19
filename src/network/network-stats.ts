/**
 * The network's statistics across the years (veille statistique), as pure functions over plain rows:
 * no I/O, no ORM. The loader (network.service.ts) reads the rows; the pages, the API and the exports
 * show what `networkStatistics` returns.
 *
 * Rules, said on the page too:
 * - a year is the calendar year of the event's start, in the event's time zone;
 * - "registered": registrations not cancelled (confirmed and waiting list); "present": the people who
 *   came, checked in or present at one meeting at least (network-meetings.ts);
 * - a structure is "reached" in a year when at least one of its people is registered (not cancelled)
 *   to an event of that year; it is "new" the first year it is reached (over every year in scope,
 *   not only the years shown), "returning" the following ones;
 * - the breakdowns by type, side and territory count structures, not people: a structure's type and
 *   side are its own when set, else the most frequent among its people that year (ties: the first key);
 * - working groups: events without breakout groups (the annual workshop has them); their attendance
 *   is counted per meeting (network-meetings.ts).
 */
import { largestRemainder } from '../reports/percentages.js';
import {
  type MeetingEvent,
  type MeetingRegistration,
  type WorkingGroupEvent,
  attended,
  meetingAttendance,
} from './network-meetings.js';

export interface StatEvent extends MeetingEvent {
  id: number;
  year: number;
  title: string;
  /** Not a draft: held, or to be held. */
  held: boolean;
  /** An event without breakout groups: a working group's meeting. */
  workingGroup: boolean;
}

export interface StatRegistration extends MeetingRegistration {
  eventId: number;
  status: 'confirmed' | 'waitlisted' | 'cancelled';
  checkedIn: boolean;
  /** The structure after merges (null: not linked to one). */
  structureId: number | null;
  /** The person's structure type and side (their side already resolved against the event's). */
  structureType: string;
  side: string;
}

export interface StatStructure {
  id: number;
  name: string;
  structureType: string | null;
  side: string | null;
  communeCode: string | null;
}

export interface Place {
  code: string;
  name: string;
}

/** The territory the statistics roll up to (src/territory), passed in so the functions stay pure. */
export interface TerritoryLookup {
  commune(code: string): (Place & { departmentCode: string; epciCode?: string | null }) | null;
  epci(code: string): Place | null;
  department(code: string): Place | null;
}

export interface Labels {
  structureType(key: string): string;
  side(key: string): string;
}

export interface ShareRow {
  key: string;
  label: string;
  count: number;
  percent: number;
}

export interface PlaceRow {
  code: string;
  name: string;
  structures: number;
}

export interface YearStatistics {
  year: number;
  events: number;
  registered: number;
  present: number;
  structures: number;
  newStructures: number;
  returningStructures: number;
  byStructureType: ShareRow[];
  bySide: ShareRow[];
  byCommune: PlaceRow[];
  byEpci: PlaceRow[];
  byDepartment: PlaceRow[];
  /** Structures reached whose commune is not known. */
  withoutCommune: number;
  /** Structures that came to a working group's meeting that year, with how many meetings. */
  workingGroups: { id: number; name: string; meetings: number }[];
  /** The working groups' events held that year, with attendance per meeting. */
  workingGroupEvents: WorkingGroupEvent[];
}

export interface NetworkInput {
  events: StatEvent[];
  registrations: StatRegistration[];
  structures: StatStructure[];
}

/** The first year each structure was reached (a registration not cancelled, to an event held), over all rows. */
export function firstYears(input: NetworkInput): Map<number, number> {
  const eventYear = new Map(input.events.filter((e) => e.held).map((e) => [e.id, e.year]));
  const first = new Map<number, number>();
  for (const r of input.registrations) {
    const year = eventYear.get(r.eventId);
    if (r.structureId === null || r.status === 'cancelled' || year === undefined) continue;
    const seen = first.get(r.structureId);
    if (seen === undefined || year < seen) first.set(r.structureId, year);
  }
  return first;
}

function increment<K>(map: Map<K, number>, key: K, by = 1): void {
  map.set(key, (map.get(key) ?? 0) + by);
}

/** The most frequent key (ties: the first in sort order). */
function mostFrequent(counts: Map<string, number>): string {
  let best = '';
  let bestCount = -1;
  for (const [key, count] of [...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
    if (count > bestCount) [best, bestCount] = [key, count];
  return best;
}

/** Count and percent (largest remainder, summing to 100) per key, largest first, then by label. */
export function shares(counts: Map<string, number>, label: (key: string) => string): ShareRow[] {
  const rows = [...counts].map(([key, count]) => ({ key, label: label(key), count }));
  rows.sort((a, b) => b.count - a.count || a.label.localeCompare(b.label, 'fr'));
  const percents = largestRemainder(rows.map((r) => r.count));
  return rows.map((row, i) => ({ ...row, percent: percents[i] }));
}

function places(counts: Map<string, number>, name: (code: string) => string): PlaceRow[] {
  return [...counts]
    .map(([code, structures]) => ({ code, name: name(code), structures }))
    .sort((a, b) => b.structures - a.structures || a.name.localeCompare(b.name, 'fr'));
}

/** One year's figures, `first` being every structure's first year (firstYears). */
function yearStatistics(
  year: number,
  input: NetworkInput,
  registrations: StatRegistration[],
  structures: Map<number, StatStructure>,
  first: Map<number, number>,
  labels: Labels,
  territory: TerritoryLookup,
): YearStatistics {
  const events = new Map(input.events.filter((e) => e.held && e.year === year).map((e) => [e.id, e]));
  let registered = 0;
  let present = 0;
  const types = new Map<number, Map<string, number>>();
  const sides = new Map<number, Map<string, number>>();
  const meetings = new Map<number, Set<number>>();
  for (const r of registrations) {
    const event = events.get(r.eventId);
    if (!event || r.status === 'cancelled') continue;
    registered++;
    if (attended(r)) present++;
    if (r.structureId === null) continue;
    if (!types.has(r.structureId)) {
      types.set(r.structureId, new Map());
      sides.set(r.structureId, new Map());
    }
    increment(types.get(r.structureId) as Map<string, number>, r.structureType);
    increment(sides.get(r.structureId) as Map<string, number>, r.side);
    if (event.workingGroup) {
      if (!meetings.has(r.structureId)) meetings.set(r.structureId, new Set());
      meetings.get(r.structureId)?.add(event.id);
    }
  }

  const byType = new Map<string, number>();
  const bySide = new Map<string, number>();
  const byCommune = new Map<string, number>();
  const byEpci = new Map<string, number>();
  const byDepartment = new Map<string, number>();
  let newStructures = 0;
  let withoutCommune = 0;
  for (const [id, typeCounts] of types) {
    const structure = structures.get(id);
    if (first.get(id) === year) newStructures++;
    increment(byType, structure?.structureType || mostFrequent(typeCounts));
    increment(bySide, structure?.side || mostFrequent(sides.get(id) as Map<string, number>));
    const commune = structure?.communeCode ? territory.commune(structure.communeCode) : null;
    if (!commune) {
      withoutCommune++;
      continue;
    }
    increment(byCommune, commune.code);
    increment(byDepartment, commune.departmentCode);
    if (commune.epciCode) increment(byEpci, commune.epciCode);
  }
  const workingGroups = [...meetings]
    .map(([id, set]) => ({ id, name: structures.get(id)?.name ?? String(id), meetings: set.size }))
    .sort((a, b) => b.meetings - a.meetings || a.name.localeCompare(b.name, 'fr'));
  return {
    year,
    events: events.size,
    registered,
    present,
    structures: types.size,
    newStructures,
    returningStructures: types.size - newStructures,
    byStructureType: shares(byType, labels.structureType),
    bySide: shares(bySide, labels.side),
    byCommune: places(byCommune, (code) => territory.commune(code)?.name ?? code),
    byEpci: places(byEpci, (code) => territory.epci(code)?.name ?? code),
    byDepartment: places(byDepartment, (code) => territory.department(code)?.name ?? code),
    withoutCommune,
    workingGroups,
    workingGroupEvents: meetingAttendance(
      [...events.values()].filter((e) => e.workingGroup),
      registrations,
    ),
  };
}

/**
 * Every year from `from` to `to` (both included) that has an event held in scope, oldest first.
 * Years before `from` still count for telling new structures from returning ones.
 */
export function networkStatistics(
  input: NetworkInput,
  range: { from: number; to: number },
  labels: Labels,
  territory: TerritoryLookup,
): YearStatistics[] {
  const first = firstYears(input);
  const years = [...new Set(input.events.filter((e) => e.held).map((e) => e.year))]
    .filter((year) => year >= range.from && year <= range.to)
    .sort((a, b) => a - b);
  // Each year reads only its own registrations.
  const eventYear = new Map(input.events.map((e) => [e.id, e.year]));
  const byYear = new Map<number, StatRegistration[]>(years.map((year) => [year, []]));
  for (const r of input.registrations) byYear.get(eventYear.get(r.eventId) ?? Number.NaN)?.push(r);
  const structures = new Map(input.structures.map((s) => [s.id, s]));
  return years.map((year) => yearStatistics(year, input, byYear.get(year) ?? [], structures, first, labels, territory));
}
