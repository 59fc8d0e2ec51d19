/**
 * Registration exports (CSV and XLSX), streamed: registrations are read in batches by id (keyset
 * pagination on registration_event_id_id_index) and written as they arrive, so memory stays flat
 * whatever the size of the event.
 */
import type { EntityManager } from '@mikro-orm/core';
import type ExcelJS from 'exceljs';
import { PassThrough, type Readable } from 'node:stream';
import type { Event } from '../events/event.entity.js';
import { structureTypeLabel } from '../events/structure-types.js';
import { personSide, sideLabel, sidesOf } from '../events/sides.js';
import { displayAnswer, storedAnswers } from '../forms/answers.js';
import { FIELD_TYPES } from '../forms/fields/index.js';
import type { GroupsView } from '../groups/groups.service.js';
import type { StoredAnswer } from '../forms/form-definition.js';
import { loadResolvedForm } from '../forms/form.service.js';
import type { Translate } from '../i18n/i18n.js';
import type { RegistrationStatus } from '../registrations/registration.entity.js';
import { dateFromDatabase, jsonFromDatabase } from '../shared/db-values.js';
import { utcToZonedLocal } from '../shared/time.js';
import { type CsvSeparator, csvLines } from './csv.js';
import { COMPARED_STATUSES, type EventReport } from './report.service.js';
import type { SidesReport } from './sides-report.js';
import { exceljs } from './exceljs.js';

export const EXPORT_BATCH_SIZE = 500;

/** One registration as the exports read it (only the columns they write). */
export interface ExportRegistration {
  id: number;
  status: RegistrationStatus;
  checkedInAt: Date | null;
  firstName: string;
  lastName: string;
  email: string;
  organisation: string;
  structureType: string;
  /** Their side when set apart from their type's (null: their type's). */
  side: string | null;
  groupId: number | null;
  answers: Record<string, unknown>;
  createdAt: Date | null;
}

/** The event's registrations (optionally one group's), oldest id first, `batchSize` at a time. */
export async function* registrationBatches(
  em: EntityManager,
  eventId: number,
  options: { batchSize?: number; groupId?: number } = {},
): AsyncGenerator<ExportRegistration[]> {
  const batchSize = options.batchSize ?? EXPORT_BATCH_SIZE;
  let lastId = 0;
  for (;;) {
    const params: number[] = [eventId, lastId];
    if (options.groupId !== undefined) params.push(options.groupId);
    params.push(batchSize);
    const rows: Record<string, unknown>[] = await em.getConnection().execute(
      `select id, status, checked_in_at, first_name, last_name, email, organisation, structure_type, side, group_id,
              answers, created_at
       from registration where event_id = ? and id > ?${options.groupId !== undefined ? ' and group_id = ?' : ''} order by id limit ?`,
      params,
      'all',
    );
    if (rows.length === 0) return;
    yield rows.map((row) => ({
      id: Number(row.id),
      status: row.status as RegistrationStatus,
      checkedInAt: dateFromDatabase(row.checked_in_at),
      firstName: String(row.first_name),
      lastName: String(row.last_name),
      email: String(row.email),
      organisation: String(row.organisation),
      structureType: String(row.structure_type),
      side: row.side === null || row.side === undefined ? null : String(row.side),
      groupId: row.group_id === null || row.group_id === undefined ? null : Number(row.group_id),
      answers: jsonFromDatabase<Record<string, unknown>>(row.answers, {}),
      createdAt: dateFromDatabase(row.created_at),
    }));
    if (rows.length < batchSize) return;
    lastId = Number(rows[rows.length - 1].id);
  }
}

/** Every key found in the event's answers (questions since removed from the form included), sorted. */
export async function answerKeys(em: EntityManager, eventId: number): Promise<string[]> {
  const postgres = em.getPlatform().constructor.name.startsWith('PostgreSql');
  const sql = postgres
    ? 'select distinct jsonb_object_keys(answers) as key from registration where event_id = ?'
    : 'select distinct j.key as key from registration r, json_each(r.answers) j where r.event_id = ?';
  const rows: { key: string }[] = await em.getConnection().execute(sql, [eventId], 'all');
  return rows.map((row) => String(row.key)).sort();
}

/**
 * "YYYY-MM-DD HH:mm" in `tz`, as spreadsheets read a date and time. Same result as
 * `utcToZonedLocal`, but the zone's offset is looked up once per quarter of an hour (zones change
 * offset on quarter-hour boundaries at most), so formatting 100,000 dates takes milliseconds, not seconds.
 */
export function zonedMinutes(tz: string): (date: Date | null) => string {
  const offsets = new Map<number, number>();
  const pad = (n: number) => String(n).padStart(2, '0');
  return (date) => {
    if (!date || Number.isNaN(date.getTime())) return '';
    const bucket = Math.floor(date.getTime() / 900_000);
    let offset = offsets.get(bucket);
    if (offset === undefined) {
      const start = new Date(bucket * 900_000);
      offset = Date.parse(`${utcToZonedLocal(start, tz)}:00Z`) - start.getTime();
      offsets.set(bucket, offset);
    }
    const local = new Date(date.getTime() + offset);
    return `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())} ${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}`;
  };
}

export interface ExportColumn {
  header: string;
  /** Width hint for spreadsheets, in characters. */
  width: number;
  value: (registration: ExportRegistration) => unknown;
}

/**
 * The columns of both exports: who, status, presence, group, date, then one column per question of
 * the form (its order, its current labels), then one per other key found in the stored answers
 * (questions since removed from the form). Answers read as on the registration's page (`displayAnswer`).
 */
export async function exportColumns(
  em: EntityManager,
  event: Event,
  t: Translate,
  locale: string,
): Promise<ExportColumn[]> {
  const typeLabels = new Map(event.structureTypes.map((type) => [type.key, type.label]));
  const groupTitles = new Map(event.sessions.getItems().map((session) => [session.id, session.title]));
  const local = zonedMinutes(event.timezone);
  const sides = sidesOf(event);
  const columns: ExportColumn[] = [
    { header: t('export.id'), width: 8, value: (r) => r.id },
    { header: t('fields.lastName'), width: 20, value: (r) => r.lastName },
    { header: t('fields.firstName'), width: 18, value: (r) => r.firstName },
    { header: t('fields.email'), width: 28, value: (r) => r.email },
    { header: t('fields.organisation'), width: 28, value: (r) => r.organisation },
    { header: t('fields.structureType'), width: 22, value: (r) => typeLabels.get(r.structureType) ?? r.structureType },
    { header: t('export.structureTypeKey'), width: 18, value: (r) => r.structureType },
    { header: t('fields.side'), width: 14, value: (r) => sideLabel(sides, personSide(event, r)) },
    { header: t('fields.status'), width: 16, value: (r) => t(`export.status.${r.status}`) },
    {
      header: t('export.present'),
      width: 10,
      value: (r) => (r.status === 'confirmed' && r.checkedInAt ? t('export.yes') : t('export.no')),
    },
    { header: t('export.checkedInAt'), width: 17, value: (r) => local(r.checkedInAt) },
    {
      header: t('export.group'),
      width: 22,
      value: (r) => (r.groupId === null ? '' : (groupTitles.get(r.groupId) ?? '')),
    },
    { header: t('export.registeredAt'), width: 17, value: (r) => local(r.createdAt) },
  ];
  const form = await loadResolvedForm(em, event, t);
  const questions = form.fields
    .filter((field) => !field.builtIn && FIELD_TYPES[field.type].answers)
    .map((field) => ({ key: field.key, label: field.label }));
  const known = new Set(questions.map((question) => question.key));
  const extra = (await answerKeys(em, event.id)).filter((key) => !known.has(key)).map((key) => ({ key, label: key }));
  // Each registration's answers are read once, whatever the number of question columns.
  const stored = new WeakMap<ExportRegistration, Record<string, StoredAnswer>>();
  const answersOf = (r: ExportRegistration) => {
    let answers = stored.get(r);
    if (!answers) stored.set(r, (answers = storedAnswers(r.answers)));
    return answers;
  };
  for (const question of [...questions, ...extra]) {
    columns.push({
      header: question.label,
      width: 20,
      value: (r) => displayAnswer(answersOf(r)[question.key], t, locale),
    });
  }
  return columns;
}

/** The CSV file, line by line: BOM, header, then one line per registration (or per one of `only`), batch after batch. */
export async function* registrationsCsv(
  em: EntityManager,
  event: Event,
  columns: ExportColumn[],
  separator: CsvSeparator,
  only?: ReadonlySet<number>,
): AsyncGenerator<string> {
  async function* rows() {
    for await (const batch of registrationBatches(em, event.id)) {
      for (const registration of batch)
        if (!only || only.has(registration.id)) yield columns.map((column) => column.value(registration));
    }
  }
  // Joining a batch's lines before yielding keeps the stream's chunks a useful size.
  let buffer = '';
  for await (const line of csvLines(
    columns.map((column) => column.header),
    rows(),
    separator,
  )) {
    buffer += line;
    if (buffer.length >= 64 * 1024) {
      yield buffer;
      buffer = '';
    }
  }
  if (buffer) yield buffer;
}

/** A worksheet name Excel accepts: at most 31 characters, none of []:*?/\, unique in the workbook. */
export function sheetName(wanted: string, taken: Set<string>): string {
  const base =
    wanted
      .replace(/[[\]:*?/\\]/g, ' ')
      .replace(/\s+/g, ' ')
      .replace(/^'+|'+$/g, '')
      .trim()
      .slice(0, 31)
      .trim() || 'Feuille';
  let name = base;
  for (let n = 2; taken.has(name.toLowerCase()); n++) name = `${base.slice(0, 31 - String(n).length - 1)} ${n}`;
  taken.add(name.toLowerCase());
  return name;
}

/** Lets the zip writer drain between batches, so rows do not pile up in memory. */
const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * The XLSX file, streamed with exceljs's WorkbookWriter: a sheet of all registrations, a sheet of
 * the breakdown (structure types × confirmed / present / waitlisted / cancelled), and one sheet per
 * breakout group with its members. Sheets are written one after the other (each committed before the
 * next starts), which is what lets the writer stream. Strings are written as strings, never formulas.
 */
export function registrationsXlsx(
  em: EntityManager,
  event: Event,
  columns: ExportColumn[],
  report: EventReport,
  t: Translate,
  sides?: Record<(typeof COMPARED_STATUSES)[number], SidesReport>,
): Readable {
  const output = new PassThrough();
  // Without styles: exceljs then writes a row about twice as fast (styles cost ~20 µs a row), which
  // matters at 100,000 rows; percentages are therefore whole numbers (39), as on the report page.
  const workbook = new (exceljs().stream.xlsx.WorkbookWriter)({
    stream: output,
    useStyles: false,
    useSharedStrings: false,
  });
  workbook.creator = 'Atelier';
  const taken = new Set<string>();

  async function registrationsSheet(name: string, groupId?: number) {
    const sheet = workbook.addWorksheet(sheetName(name, taken), { views: [{ state: 'frozen', ySplit: 1 }] });
    sheet.columns = columns.map((column) => ({ header: column.header, width: column.width }));
    sheet.getRow(1).commit();
    for await (const batch of registrationBatches(em, event.id, { groupId })) {
      for (const registration of batch) {
        sheet
          .addRow(
            columns.map((column) => {
              const value = column.value(registration);
              return value === null || value === undefined
                ? ''
                : typeof value === 'object'
                  ? JSON.stringify(value)
                  : value;
            }),
          )
          .commit();
      }
      await tick();
    }
    sheet.commit();
  }

  function breakdownSheet() {
    const sheet = workbook.addWorksheet(sheetName(t('report.breakdownSheet'), taken));
    const statuses = COMPARED_STATUSES;
    sheet.columns = [{ width: 28 }, ...statuses.flatMap(() => [{ width: 16 }, { width: 6 }])];
    sheet.addRow([t('fields.structureType'), ...statuses.flatMap((s) => [t(`report.status.${s}`), '%'])]).commit();
    const rows = report.compared.confirmed.rows;
    rows.forEach((row, index) => {
      sheet
        .addRow([
          row.label,
          ...statuses.flatMap((s) => [report.compared[s].rows[index].count, report.compared[s].rows[index].percent]),
        ])
        .commit();
    });
    sheet
      .addRow([
        t('report.total'),
        ...statuses.flatMap((s) => [report.compared[s].total, report.compared[s].total > 0 ? 100 : 0]),
      ])
      .commit();
    if (sides) sidesTables(sheet);
    sheet.commit();
  }

  /** Below the types: the sides × the same statuses, then the groups × sides of the confirmed. */
  function sidesTables(sheet: ExcelJS.Worksheet) {
    if (!sides) return;
    const statuses = COMPARED_STATUSES;
    sheet.addRow([]).commit();
    sheet.addRow([t('fields.side'), ...statuses.flatMap((s) => [t(`report.status.${s}`), '%'])]).commit();
    sides.confirmed.bySide.forEach((row, index) => {
      const cells = statuses.flatMap((s) => [sides[s].bySide[index].count, sides[s].bySide[index].percent]);
      sheet.addRow([row.label, ...cells]).commit();
    });
    sheet.addRow([]).commit();
    const labels = sides.confirmed.bySide.map((row) => row.label);
    sheet.addRow([t('report.groupsBySide'), ...labels, t('report.total')]).commit();
    report.byGroup.forEach((group, index) => {
      const counts = sides.confirmed.byGroup[index]?.bySide.map((row) => row.count) ?? [];
      const title = group.groupId === null ? t('report.noGroup') : group.title;
      sheet.addRow([title, ...counts, counts.reduce((a, b) => a + b, 0)]).commit();
    });
  }

  (async () => {
    await registrationsSheet(t('report.registrationsSheet'));
    breakdownSheet();
    for (const group of report.byGroup) {
      if (group.groupId === null) continue;
      await registrationsSheet(group.title, group.groupId);
    }
    await workbook.commit();
  })().catch((error: Error) => output.destroy(error));
  return output;
}

/** The groups and their members (then those in no group) as CSV lines, `;`-separated, as organisers print them. */
export function groupsCsv(event: Event, view: GroupsView, t: Translate): AsyncGenerator<string> {
  const header = [
    'group',
    'room',
    'facilitator',
    'lastName',
    'firstName',
    'organisation',
    'structureType',
    'side',
    'email',
    'locked',
  ].map((k) => t(`groups.csv.${k}`));
  const type = (key: string) => structureTypeLabel(event.structureTypes, key);
  const sides = sidesOf(event);
  const side = (m: GroupsView['unassigned'][number]) => sideLabel(sides, personSide(event, m));
  const rows: unknown[][] = [];
  for (const g of view.groups) {
    for (const m of g.members) {
      rows.push([
        g.session.title,
        g.session.room,
        g.session.facilitator,
        m.lastName,
        m.firstName,
        m.organisation,
        type(m.structureType),
        side(m),
        m.email,
        m.groupLocked ? t('groups.yes') : '',
      ]);
    }
  }
  for (const m of view.unassigned)
    rows.push([
      ...[t('groups.none'), '', '', m.lastName, m.firstName, m.organisation],
      ...[type(m.structureType), side(m), m.email, ''],
    ]);
  return csvLines(header, rows, ';');
}
