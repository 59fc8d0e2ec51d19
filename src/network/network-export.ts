/**
 * The network statistics as a CSV file (one line per figure: year, part, code, label, count, percent)
 * and as an XLSX workbook (one sheet per part, and one of the working groups' attendance per meeting).
 * Small files: built in memory.
 */
import type { Translate } from '../i18n/i18n.js';
import { csvRow } from '../reports/csv.js';
import { utcToZonedLocal } from '../shared/time.js';
import { MEETING_STATES, type WorkingGroupEvent } from './network-meetings.js';
import type { YearStatistics } from './network-stats.js';
import { exceljs } from '../reports/exceljs.js';

type Line = [year: number, part: string, code: string, label: string, count: number, percent: number | ''];

/** A meeting's day in its event's time zone (YYYY-MM-DD: any spreadsheet reads it). */
const day = (event: WorkingGroupEvent, startsAt: string) =>
  utcToZonedLocal(new Date(startsAt), event.timezone).slice(0, 10);

/** Every figure of the years, part by part, in the page's order. */
export function networkLines(years: YearStatistics[], t: Translate): Line[] {
  const lines: Line[] = [];
  const part = (key: string) => t(`network.part.${key}`);
  for (const y of years) {
    const summary = ['events', 'registered', 'present', 'structures', 'newStructures', 'returningStructures'] as const;
    for (const key of summary) lines.push([y.year, part('summary'), key, t(`network.figure.${key}`), y[key], '']);
    for (const r of y.byStructureType) lines.push([y.year, part('structureType'), r.key, r.label, r.count, r.percent]);
    for (const r of y.bySide) lines.push([y.year, part('side'), r.key, r.label, r.count, r.percent]);
    for (const r of y.byDepartment) lines.push([y.year, part('department'), r.code, r.name, r.structures, '']);
    for (const r of y.byEpci) lines.push([y.year, part('epci'), r.code, r.name, r.structures, '']);
    for (const r of y.byCommune) lines.push([y.year, part('commune'), r.code, r.name, r.structures, '']);
    if (y.withoutCommune) lines.push([y.year, part('commune'), '', t('network.withoutCommune'), y.withoutCommune, '']);
    for (const s of y.workingGroups) lines.push([y.year, part('workingGroups'), String(s.id), s.name, s.meetings, '']);
    // Four lines per meeting (one per state), coded session:state.
    for (const e of y.workingGroupEvents)
      for (const m of e.meetings)
        for (const state of MEETING_STATES) {
          const label = `${e.title} — ${m.title} — ${day(e, m.startsAt)} — ${t(`attendance.states.${state}`)}`;
          lines.push([y.year, part('meetings'), `${m.sessionId}:${state}`, label, m[state], '']);
        }
  }
  return lines;
}

const header = (t: Translate) =>
  ['year', 'part', 'code', 'label', 'count', 'percent'].map((k) => t(`network.csv.${k}`));

/** The CSV file, `;`-separated with a byte-order mark, for French spreadsheets. */
export function networkCsv(years: YearStatistics[], t: Translate): string {
  return `\uFEFF${[header(t), ...networkLines(years, t)].map((line) => csvRow(line, ';')).join('')}`;
}

/** The workbook: the summary per year, then one sheet per part. */
export async function networkXlsx(years: YearStatistics[], t: Translate): Promise<Buffer> {
  const workbook = new (exceljs().Workbook)();
  const summary = workbook.addWorksheet(t('network.part.summary'));
  const keys = ['events', 'registered', 'present', 'structures', 'newStructures', 'returningStructures'] as const;
  summary.addRow([t('network.csv.year'), ...keys.map((k) => t(`network.figure.${k}`))]).font = { bold: true };
  for (const y of years) summary.addRow([y.year, ...keys.map((k) => y[k])]);
  const lines = networkLines(years, t);
  for (const key of ['structureType', 'side', 'department', 'epci', 'commune', 'workingGroups']) {
    const name = t(`network.part.${key}`);
    const sheet = workbook.addWorksheet(name.slice(0, 31));
    sheet.addRow(header(t).filter((_, i) => i !== 1)).font = { bold: true };
    for (const [year, part, code, label, count, percent] of lines)
      if (part === name) sheet.addRow([year, code, label, count, percent === '' ? null : percent]);
  }
  const meetings = workbook.addWorksheet(t('network.part.meetings').slice(0, 31));
  const columns = [t('network.csv.year'), t('network.csv.event'), t('attendance.meeting'), t('network.csv.date')];
  meetings.addRow([...columns, ...MEETING_STATES.map((s) => t(`attendance.states.${s}`))]).font = { bold: true };
  for (const y of years)
    for (const e of y.workingGroupEvents)
      for (const m of e.meetings)
        meetings.addRow([y.year, e.title, m.title, day(e, m.startsAt), ...MEETING_STATES.map((s) => m[s])]);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
