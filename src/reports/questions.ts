/**
 * Breakdowns by the form's single-choice and yes/no questions ("lunch: 52 yes, 18 no"), counted by
 * the database: one GROUP BY per question on the answer's stored value (src/forms stores each answer
 * as `answers[key] = { label, type, value, … }`).
 */
import type { EntityManager } from '@mikro-orm/core';
import type { Event } from '../events/event.entity.js';
import { isFieldKey } from '../forms/form-definition.js';
import { loadResolvedForm } from '../forms/form.service.js';
import { type Translate, translator } from '../i18n/i18n.js';
import type { RegistrationStatus } from '../registrations/registration.entity.js';
import { largestRemainder } from './percentages.js';
import { type ReportStatus, countFor } from './report.service.js';

export interface QuestionOptionRow {
  /** The option's key, "yes" / "no", or "" for the registrations without an answer. */
  key: string;
  label: string;
  count: number;
  percent: number;
}

export interface QuestionReport {
  key: string;
  label: string;
  type: 'choice' | 'yesno';
  total: number;
  options: QuestionOptionRow[];
}

export function isPostgres(em: EntityManager): boolean {
  return em.getPlatform().constructor.name.startsWith('PostgreSql');
}

/** The stored value as an option key: yes/no answers are booleans (SQLite's JSON gives 1/0, PostgreSQL's text "true"/"false"). */
function answerKey(value: unknown, type: 'choice' | 'yesno'): string {
  if (value === null || value === undefined) return '';
  if (type === 'yesno') {
    if (value === true || value === 1 || value === '1' || value === 'true') return 'yes';
    if (value === false || value === 0 || value === '0' || value === 'false') return 'no';
  }
  return String(value);
}

/**
 * One report per single-choice or yes/no question of the event's current form, for the registrations
 * `status` counts: the options in the form's order, then values of options since removed, then the
 * registrations that did not answer (a question added later, or hidden by a condition). Percentages
 * are of all the registrations counted, so they add up to 100 with the "no answer" line.
 */
export async function questionReports(
  em: EntityManager,
  event: Event,
  status: ReportStatus,
  t: Translate = translator('fr'),
): Promise<QuestionReport[]> {
  const form = await loadResolvedForm(em, event, t);
  const questions = form.fields.filter(
    (field) => !field.builtIn && (field.type === 'choice' || field.type === 'yesno') && isFieldKey(field.key),
  );
  const postgres = isPostgres(em);
  const reports: QuestionReport[] = [];
  for (const field of questions) {
    const type = field.type as 'choice' | 'yesno';
    // The key is bound as a parameter; "group by 1, 2" avoids repeating it (PostgreSQL would see two different expressions).
    const answer = postgres ? "(answers -> cast(? as text) ->> 'value')" : 'json_extract(answers, ?)';
    const rows: { status: RegistrationStatus; answer: unknown; count: number | string; present: number | string }[] =
      await em
        .getConnection()
        .execute(
          `select status, ${answer} as answer, count(*) as count, count(checked_in_at) as present from registration where event_id = ? group by 1, 2`,
          [postgres ? field.key : `$."${field.key}".value`, event.id],
          'all',
          em.getTransactionContext(),
        );
    const counts = new Map<string, number>();
    for (const row of rows) {
      const key = answerKey(row.answer, type);
      const n = countFor(
        {
          status: row.status,
          structureType: '',
          groupId: null,
          count: Number(row.count),
          present: Number(row.present),
        },
        status,
      );
      counts.set(key, (counts.get(key) ?? 0) + n);
    }
    const options =
      type === 'yesno'
        ? [
            { key: 'yes', label: t('form.yes') },
            { key: 'no', label: t('form.no') },
          ]
        : (field.options ?? []);
    const known = new Set(options.map((option) => option.key));
    const lines = [
      ...options.map((option) => ({ key: option.key, label: option.label })),
      ...[...counts.keys()]
        .filter((key) => key !== '' && !known.has(key))
        .sort()
        .map((key) => ({ key, label: key })),
      ...((counts.get('') ?? 0) > 0 ? [{ key: '', label: t('report.noAnswer') }] : []),
    ];
    const values = lines.map((line) => counts.get(line.key) ?? 0);
    const percents = largestRemainder(values);
    reports.push({
      key: field.key,
      label: field.label,
      type,
      total: values.reduce((sum, n) => sum + n, 0),
      options: lines.map((line, i) => ({ ...line, count: values[i], percent: percents[i] })),
    });
  }
  return reports;
}
