import type { EntityManager } from '@mikro-orm/core';
import { Event } from '../events/event.entity.js';
import type { Translate } from '../i18n/i18n.js';
import { REGISTRATION_STATUSES, type RegistrationStatus } from '../registrations/registration.entity.js';
import {
  type Breakdown,
  type BreakdownRow,
  type LabelledType,
  breakdown,
  largestRemainder,
  reportSentenceEn,
  reportSentenceFr,
} from './percentages.js';

/** What a report counts: one registration status, the people checked in, or every registration. */
export type ReportStatus = RegistrationStatus | 'present' | 'all';
/** The columns of the "registered versus present" table: every registration status, the present after the confirmed. */
export const COMPARED_STATUSES: readonly (RegistrationStatus | 'present')[] = REGISTRATION_STATUSES.flatMap((s) =>
  s === 'confirmed' ? [s, 'present' as const] : [s],
);
export const REPORT_STATUSES: ReportStatus[] = [...COMPARED_STATUSES, 'all'];

export function reportStatus(raw: unknown, fallback: ReportStatus = 'confirmed'): ReportStatus {
  return REPORT_STATUSES.includes(raw as ReportStatus) ? (raw as ReportStatus) : fallback;
}

/** One line of the GROUP BY: how many registrations share these values, and how many of them are checked in. */
export interface CountRow {
  status: RegistrationStatus;
  structureType: string;
  groupId: number | null;
  count: number;
  present: number;
}

/** How many of a line's registrations `status` counts. Present means checked in and still confirmed. */
export function countFor(row: CountRow, status: ReportStatus): number {
  if (status === 'all') return row.count;
  if (status === 'present') return row.status === 'confirmed' ? row.present : 0;
  return row.status === status ? row.count : 0;
}

/**
 * The event's registrations counted by status, structure type and group, with how many are checked
 * in, in one GROUP BY that registration_report_index covers in its own order (no row is read, no
 * sort): the database returns a few dozen lines however many registrations there are, and every
 * figure of the report is summed from them.
 */
export async function countRows(em: EntityManager, eventIds: number[]): Promise<(CountRow & { eventId: number })[]> {
  if (eventIds.length === 0) return [];
  const rows: {
    event_id: number;
    status: RegistrationStatus;
    structure_type: string;
    group_id: number | null;
    count: number | string;
    present: number | string;
  }[] = await em.getConnection().execute(
    `select event_id, status, structure_type, group_id, count(*) as count, count(checked_in_at) as present from registration
       where event_id in (${eventIds.map(() => '?').join(', ')}) group by event_id, status, structure_type, group_id`,
    eventIds,
    'all',
    em.getTransactionContext(),
  );
  return rows.map((row) => ({
    eventId: Number(row.event_id),
    status: row.status,
    structureType: row.structure_type,
    groupId: row.group_id === null ? null : Number(row.group_id),
    count: Number(row.count),
    present: Number(row.present),
  }));
}

/**
 * Breakdowns by structure type for several subsets of the same rows, aligned: every breakdown has the
 * same rows in the same order (the event's types, then any unknown key seen in any subset).
 */
function alignedBreakdown(rows: CountRow[], types: LabelledType[], status: ReportStatus, allKeys: string[]): Breakdown {
  const counts: Record<string, number> = Object.fromEntries(allKeys.map((key) => [key, 0]));
  for (const row of rows) counts[row.structureType] += countFor(row, status);
  return breakdown(counts, types);
}

export interface GroupReport {
  /** The breakout session's id, or null for the registrations not (yet) in a group. */
  groupId: number | null;
  title: string;
  total: number;
  present: number;
  byStructureType: BreakdownRow[];
}

export interface EventReport {
  status: ReportStatus;
  total: number;
  byStructureType: BreakdownRow[];
  byStatus: Record<RegistrationStatus, number>;
  present: { total: number; byStructureType: BreakdownRow[] };
  /** Structure types × confirmed / present / waitlisted / cancelled, rows aligned. */
  compared: Record<(typeof COMPARED_STATUSES)[number], Breakdown>;
  byGroup: GroupReport[];
}

/** Every figure of an event's report, for the registrations that match `status`. */
export async function eventReport(
  em: EntityManager,
  event: Event,
  status: ReportStatus = 'confirmed',
): Promise<EventReport> {
  const rows = await countRows(em, [event.id]);
  const types = event.structureTypes;
  const allKeys = [...new Set(rows.map((row) => row.structureType))];
  const selected = alignedBreakdown(rows, types, status, allKeys);
  const compared = Object.fromEntries(
    COMPARED_STATUSES.map((s) => [s, alignedBreakdown(rows, types, s, allKeys)]),
  ) as EventReport['compared'];
  const byStatus = { confirmed: 0, waitlisted: 0, cancelled: 0 };
  for (const row of rows) byStatus[row.status] += row.count;

  const groups: { groupId: number | null; title: string }[] = event.sessions
    .getItems()
    .filter((session) => session.kind === 'breakout')
    .map((session) => ({ groupId: session.id, title: session.title }));
  const byGroup: GroupReport[] = [];
  for (const group of [...groups, { groupId: null, title: '' }]) {
    const inGroup = rows.filter((row) => row.groupId === group.groupId);
    const figures = alignedBreakdown(inGroup, types, status, allKeys);
    const present = inGroup.reduce((sum, row) => sum + countFor(row, 'present'), 0);
    // The "no group" line only when someone is in it; a configured group is listed even when empty.
    if (group.groupId === null && figures.total === 0) continue;
    byGroup.push({ ...group, total: figures.total, present, byStructureType: figures.rows });
  }

  return {
    status,
    total: selected.total,
    byStructureType: selected.rows,
    byStatus,
    present: { total: compared.present.total, byStructureType: compared.present.rows },
    compared,
    byGroup,
  };
}

export interface SeriesReport {
  series: string;
  status: ReportStatus;
  events: Event[];
  /** One row per structure type, one cell per event (same order as `events`). */
  rows: { key: string; label: string; cells: { count: number; percent: number }[] }[];
  totals: number[];
}

/** The editions of a series, oldest first. */
export async function seriesEvents(em: EntityManager, series: string, ids?: number[]): Promise<Event[]> {
  return em.find(Event, ids ? { series, id: { $in: ids } } : { series }, { orderBy: { startsAt: 'asc', id: 'asc' } });
}

/**
 * The breakdown by structure type of every edition of a series, side by side. Types are matched by
 * key across editions; a type's label is the one of the latest edition that has it, and the order is
 * the latest edition's, then types only older editions had, then keys no edition lists.
 */
/** `ids`: only these events (those the organiser may see). */
export async function seriesReport(
  em: EntityManager,
  series: string,
  status: ReportStatus = 'confirmed',
  ids?: number[],
): Promise<SeriesReport> {
  const events = await seriesEvents(em, series, ids);
  const rows = await countRows(
    em,
    events.map((event) => event.id),
  );

  const types: LabelledType[] = [];
  const known = new Set<string>();
  for (const event of [...events].reverse()) {
    for (const type of event.structureTypes) {
      if (known.has(type.key)) continue;
      known.add(type.key);
      types.push(type);
    }
  }
  const unknown = [...new Set(rows.map((row) => row.structureType))].filter((key) => !known.has(key)).sort();
  const allTypes = [...types, ...unknown.map((key) => ({ key, label: key }))];

  const counts = events.map((event) => {
    const perType = new Map<string, number>();
    for (const row of rows) {
      if (row.eventId === event.id)
        perType.set(row.structureType, (perType.get(row.structureType) ?? 0) + countFor(row, status));
    }
    return allTypes.map((type) => perType.get(type.key) ?? 0);
  });
  const percents = counts.map((column) => largestRemainder(column));
  return {
    series,
    status,
    events,
    rows: allTypes.map((type, t) => ({
      key: type.key,
      label: type.label,
      cells: events.map((_, e) => ({ count: counts[e][t], percent: percents[e][t] })),
    })),
    totals: counts.map((column) => column.reduce((sum, n) => sum + n, 0)),
  };
}

/**
 * The sentence ready to paste, in the page's language: "70 participants, dont 39 % de travailleurs
 * sociaux, …". Confirmed and present people are "participants"; other subsets are "people".
 */
export function reportSentence(
  total: number,
  rows: BreakdownRow[],
  status: ReportStatus,
  locale: string,
  t: Translate,
): string {
  const people = status === 'waitlisted' || status === 'cancelled' || status === 'all';
  const noun = people
    ? { one: t('report.noun.personOne'), other: t('report.noun.personOther') }
    : { one: t('report.noun.participantOne'), other: t('report.noun.participantOther') };
  return locale === 'fr' ? reportSentenceFr(total, rows, noun) : reportSentenceEn(total, rows, noun);
}
