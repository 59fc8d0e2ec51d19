/**
 * The network statistics as a CSV file (one line per figure: year, part, code, label, count, percent)
 * and as an XLSX workbook (one sheet per part). Small files: built in memory.
 */
import ExcelJS from 'exceljs';
import type { Translate } from '../i18n/i18n.js';
import { csvRow } from '../reports/csv.js';
import type { YearStatistics } from './network-stats.js';

type Line = [year: number, part: string, code: string, label: string, count: number, percent: number | ''];

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
  const workbook = new ExcelJS.Workbook();
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
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
