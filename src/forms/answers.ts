import type { FieldError } from '../errors.js';
import type { Translate } from '../i18n/i18n.js';
import type { Problem, ResolvedField } from './fields/field-type.js';
import { FIELD_TYPES } from './fields/index.js';
import { type AnswerValue, FIELD_TYPE_NAMES, type FieldTypeName, type StoredAnswer } from './form-definition.js';
import type { ResolvedForm } from './resolve.js';

export interface CheckedSubmission {
  /** Answers of the fields shown, converted (built-in ones included). */
  values: Map<string, AnswerValue>;
  /** Keys of the fields shown, after the conditions. */
  shown: Set<string>;
  errors: FieldError[];
}

function isShown(
  field: ResolvedField,
  shown: Set<string>,
  values: Map<string, AnswerValue>,
  form: ResolvedForm,
): boolean {
  const type = FIELD_TYPES[field.type];
  if (type.available && !type.available(field)) return false;
  const condition = field.condition;
  if (!condition) return true;
  const trigger = form.byKey.get(condition.field);
  if (!trigger || !shown.has(trigger.key)) return false;
  const value = values.get(trigger.key);
  if (value === undefined) return false;
  const answered = FIELD_TYPES[trigger.type].conditionValues?.(value) ?? [];
  return answered.some((v) => condition.values.includes(v));
}

/** The longest answer any question takes (a long text allows 20,000 characters at most), and the most list entries. */
export const MAX_ANSWER_LENGTH = 20_000;
const MAX_ANSWER_ENTRIES = 100;

/**
 * Every answer is bounded before its type reads it (no pattern ever runs on a huge text): a text, or
 * a list of texts, longer than any question takes is refused as too long, a list of more than 100
 * entries as unreadable; anything else (a number, a boolean, an object) is left to the type.
 */
function answerSizeProblem(raw: unknown): Problem | null {
  if (typeof raw === 'string')
    return raw.length > MAX_ANSWER_LENGTH ? { code: 'too_long', params: { max: MAX_ANSWER_LENGTH } } : null;
  if (!Array.isArray(raw)) return null;
  if (raw.length > MAX_ANSWER_ENTRIES) return { code: 'invalid_value' };
  let total = 0;
  for (const entry of raw) if (typeof entry === 'string') total += entry.length;
  return total > MAX_ANSWER_LENGTH ? { code: 'too_long', params: { max: MAX_ANSWER_LENGTH } } : null;
}

/**
 * Checks a submission against the form alone: in page order, each field is shown or not by its
 * condition (on earlier answers, so conditions chain), then read, converted and checked. A hidden
 * field is never required and its answer is dropped.
 */
export function checkSubmission(form: ResolvedForm, submission: Record<string, unknown>): CheckedSubmission {
  // Own keys only, so a question keyed `constructor` never reads Object.prototype's.
  const input: Record<string, unknown> = Object.assign(Object.create(null), submission);
  const values = new Map<string, AnswerValue>();
  const shown = new Set<string>();
  const errors: FieldError[] = [];
  for (const field of form.fields) {
    if (!isShown(field, shown, values, form)) continue;
    shown.add(field.key);
    const type = FIELD_TYPES[field.type];
    if (!type.answers) continue;
    const raw = type.read ? type.read(field, input) : input[field.key];
    const oversized = answerSizeProblem(raw);
    const parsed = oversized ? { problem: oversized } : type.parse(field, raw);
    const problem = parsed.problem ?? (parsed.value !== undefined ? type.validate?.(field, parsed.value) : null);
    if (problem) {
      errors.push({
        field: problem.part ? `${field.key}.${problem.part}` : field.key,
        code: problem.code,
        ...(problem.params ? { params: problem.params } : {}),
      });
    } else if (parsed.value !== undefined) {
      values.set(field.key, parsed.value);
    } else if (field.required) {
      errors.push({ field: field.key, code: type.requiredCode ?? 'required' });
    } else if (type.emptyValue !== undefined) {
      values.set(field.key, type.emptyValue);
    }
  }
  return { values, shown, errors };
}

/** The custom answers to store: each keeps the label and the chosen options' labels the attendee saw. */
export function answersToStore(form: ResolvedForm, values: Map<string, AnswerValue>): Record<string, StoredAnswer> {
  const stored: Record<string, StoredAnswer> = Object.create(null);
  for (const field of form.fields) {
    const value = values.get(field.key);
    if (field.builtIn || value === undefined) continue;
    const options = FIELD_TYPES[field.type].snapshot?.(field, value);
    stored[field.key] = { label: field.label, type: field.type, value, ...(options ? { options } : {}) };
  }
  return stored;
}

function isAnswerValue(value: unknown): value is AnswerValue {
  return (
    ['string', 'number', 'boolean'].includes(typeof value) ||
    (Array.isArray(value) && value.every((v) => typeof v === 'string' || typeof v === 'number'))
  );
}

/** The stored answers of a registration, read defensively (a value stored another way reads as text under its key). */
export function storedAnswers(answers: Record<string, unknown> | null | undefined): Record<string, StoredAnswer> {
  const out: Record<string, StoredAnswer> = Object.create(null);
  for (const [key, entry] of Object.entries(answers ?? {})) {
    const candidate = entry as Partial<StoredAnswer> | null;
    if (
      candidate &&
      typeof candidate === 'object' &&
      !Array.isArray(candidate) &&
      typeof candidate.label === 'string' &&
      (FIELD_TYPE_NAMES as readonly string[]).includes(candidate.type as string) &&
      isAnswerValue(candidate.value)
    ) {
      out[key] = {
        label: candidate.label,
        type: candidate.type as FieldTypeName,
        value: candidate.value,
        ...(candidate.options ? { options: candidate.options } : {}),
      };
    } else if (isAnswerValue(entry)) {
      out[key] = { label: key, type: 'text', value: entry };
    }
  }
  return out;
}

export function displayAnswer(answer: StoredAnswer | undefined, t: Translate, locale: string): string {
  return answer ? FIELD_TYPES[answer.type].display(answer, t, locale) : '';
}

/** The answers as the API gives them: `{key: value}` (booleans, numbers, option keys, session ids). */
export function exportAnswers(answers: Record<string, unknown>): Record<string, AnswerValue> {
  const out: Record<string, AnswerValue> = Object.create(null);
  for (const [key, answer] of Object.entries(storedAnswers(answers)))
    out[key] = FIELD_TYPES[answer.type].exportValue(answer);
  return out;
}

/** Form values showing stored answers again (the attendee's edit page), for the fields of the current form. */
export function formValuesFromAnswers(
  form: ResolvedForm,
  answers: Record<string, unknown>,
): Record<string, string | string[]> {
  const stored = storedAnswers(answers);
  const values: Record<string, string | string[]> = Object.create(null);
  for (const field of form.fields) {
    const answer = stored[field.key];
    if (field.builtIn || !answer || answer.type !== field.type) continue;
    const type = FIELD_TYPES[field.type];
    Object.assign(
      values,
      type.formValues ? type.formValues(field, answer.value) : { [field.key]: String(answer.value) },
    );
  }
  return values;
}

export interface AnswerRow {
  key: string;
  /** The label the attendee saw when answering. */
  label: string;
  /** The field's label today, when the organiser has changed it since. */
  currentLabel: string | null;
  value: string;
  /** The field is no longer in the form. */
  removed: boolean;
}

/** A registration's answers to read: the current form's fields in order, then those of removed fields. */
export function answerRows(
  form: ResolvedForm,
  answers: Record<string, unknown>,
  t: Translate,
  locale: string,
): AnswerRow[] {
  const stored = storedAnswers(answers);
  const rows: AnswerRow[] = [];
  for (const field of form.fields) {
    const answer = stored[field.key];
    if (field.builtIn || !answer) continue;
    rows.push({
      key: field.key,
      label: answer.label,
      currentLabel: field.label !== answer.label ? field.label : null,
      value: displayAnswer(answer, t, locale),
      removed: false,
    });
  }
  for (const [key, answer] of Object.entries(stored)) {
    if (!form.byKey.has(key))
      rows.push({
        key,
        label: answer.label,
        currentLabel: null,
        value: displayAnswer(answer, t, locale),
        removed: true,
      });
  }
  return rows;
}
