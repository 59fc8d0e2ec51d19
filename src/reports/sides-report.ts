/**
 * The breakdown by side (volet): the by-type counts of the report's GROUP BY, each type counted on its side, then
 * corrected by the few registrations whose side was set by hand (a second, small GROUP BY).
 */
import type { EntityManager } from '@mikro-orm/core';
import type { Event } from '../events/event.entity.js';
import { sidesOf, typeSide } from '../events/sides.js';
import { type BreakdownRow, breakdown, formatPercentFr } from './percentages.js';
import { COMPARED_STATUSES, type CountRow, type ReportStatus, countFor, countRows } from './report.service.js';

interface SideRow extends CountRow {
  side: string;
}

async function sideSetByHand(em: EntityManager, event: Event): Promise<SideRow[]> {
  const rows: {
    status: CountRow['status'];
    structure_type: string;
    side: string;
    group_id: number | null;
    count: number | string;
    present: number | string;
  }[] = await em.getConnection().execute(
    `select status, structure_type, side, group_id, count(*) as count, count(checked_in_at) as present
       from registration where event_id = ? and side is not null group by status, structure_type, side, group_id`,
    [event.id],
    'all',
    em.getTransactionContext(),
  );
  return rows.map((row) => ({
    status: row.status,
    structureType: row.structure_type,
    side: row.side,
    groupId: row.group_id === null ? null : Number(row.group_id),
    count: Number(row.count),
    present: Number(row.present),
  }));
}

export interface SidesReport {
  bySide: BreakdownRow[];
  /** Groups x sides, in the order of `groupIds` (null: no group). */
  byGroup: { groupId: number | null; bySide: BreakdownRow[] }[];
}

export async function sidesReport(
  em: EntityManager,
  event: Event,
  status: ReportStatus,
  groupIds: (number | null)[],
): Promise<SidesReport> {
  const rows = await countRows(em, [event.id]);
  const sides = sidesOf(event);
  const known = new Set(sides.map((s) => s.key));
  const overrides = (await sideSetByHand(em, event)).filter((row) => known.has(row.side));
  const sideOfType = (type: string) => typeSide(sides, event.structureTypes, type);
  const figures = (groupId: number | null | undefined) => {
    const counts: Record<string, number> = Object.fromEntries(sides.map((s) => [s.key, 0]));
    const inGroup = (row: CountRow) => groupId === undefined || row.groupId === groupId;
    for (const row of rows) if (inGroup(row)) counts[sideOfType(row.structureType)] += countFor(row, status);
    for (const row of overrides) {
      if (!inGroup(row)) continue;
      counts[sideOfType(row.structureType)] -= countFor(row, status);
      counts[row.side] += countFor(row, status);
    }
    return breakdown(counts, sides).rows;
  };
  return { bySide: figures(undefined), byGroup: groupIds.map((groupId) => ({ groupId, bySide: figures(groupId) })) };
}

/** "soit 45 % d'acteurs sociaux, 30 % techniques, 25 % économiques" (French), "by side: Social 45%, …" (English). */
export function sidesSentence(rows: BreakdownRow[], locale: string): string {
  const shown = rows.filter((row) => row.count > 0).sort((a, b) => b.count - a.count);
  if (shown.length === 0) return '';
  if (locale !== 'fr') return `by side: ${shown.map((row) => `${row.label} ${row.percent}%`).join(', ')}`;
  const parts = shown.map((row, i) => {
    const adjective = pluralAdjectiveFr(row.label.toLocaleLowerCase('fr'));
    return `${formatPercentFr(row.percent)} ${i === 0 ? "d'acteurs " : ''}${adjective}`;
  });
  return `soit ${parts.join(', ')}`;
}

/** social → sociaux, technique → techniques; a label of several words is left as it is. */
function pluralAdjectiveFr(word: string): string {
  if (word.includes(' ')) return word;
  if (word.endsWith('al')) return `${word.slice(0, -2)}aux`;
  if (word.endsWith('s') || word.endsWith('x')) return word;
  return `${word}s`;
}

/** The report's sentence followed by the sides': "70 participants, dont …; soit 45 % d'acteurs sociaux, …". */
export function withSides(sentence: string, sides: string, locale = 'fr'): string {
  return sides ? `${sentence}${locale === 'fr' ? ' ; ' : '; '}${sides}` : sentence;
}

/** The sides for each status the XLSX breakdown compares, with the groups (in `groupIds`' order) × sides. */
export async function sidesByComparedStatus(
  em: EntityManager,
  event: Event,
  groupIds: (number | null)[],
): Promise<Record<(typeof COMPARED_STATUSES)[number], SidesReport>> {
  const entries: [string, SidesReport][] = [];
  for (const status of COMPARED_STATUSES) entries.push([status, await sidesReport(em, event, status, groupIds)]);
  return Object.fromEntries(entries) as Record<(typeof COMPARED_STATUSES)[number], SidesReport>;
}
