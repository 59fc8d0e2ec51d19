import type { Translate } from '../../i18n/i18n.js';
import { hasControlCharacters, singleLineProblem } from '../../shared/text.js';
import type { AnswerValue, FieldOption, FieldTypeName, FormField, StoredAnswer } from '../form-definition.js';

/**
 * One kind of question. Each type lives in its own file of this folder and says everything the rest
 * of the service needs: which settings the builder offers, how the field is drawn, how a submitted
 * value is read and checked, how a stored answer reads and exports. Adding a type is adding a file
 * (and its line in `index.ts`, and its name in the locales).
 */
export interface FieldType {
  readonly name: FieldTypeName;
  /** False for information text: nothing to answer. */
  readonly answers: boolean;
  /** Settings the builder shows, and the definition keeps, for this type. */
  readonly settings: readonly Setting[];
  /** Error code when a required field is left empty (default `required`). */
  readonly requiredCode?: string;
  /** Value stored when a shown, optional field is left empty (an unticked consent is a "no"). */
  readonly emptyValue?: AnswerValue;
  /** Settings of a new field of this type. */
  readonly defaults?: Partial<FormField>;
  /** Checks of the definition beyond the shared ones; `part` names the setting at fault. */
  check?(field: FormField): Problem[];
  /** False when the field cannot be asked (a group preference without groups): it is then not shown. */
  available?(field: ResolvedField): boolean;
  /** Answers a condition on this field can test; absent: the field cannot drive a condition. */
  conditionOptions?(field: ResolvedField, t: Translate): FieldOption[];
  /** The values of an answer a condition compares with its `values`. */
  conditionValues?(value: AnswerValue): string[];
  /** What the template needs to draw the control. */
  render(field: ResolvedField, ctx: RenderContext): RenderData;
  /** The raw answer in a submission (a posted form or an API body); default `submission[key]`. */
  read?(field: ResolvedField, submission: Record<string, unknown>): unknown;
  /** Converts the raw answer; an empty answer gives `{}`, an unreadable one a problem. */
  parse(field: ResolvedField, raw: unknown): Parsed;
  /** Checks a converted answer against the field's limits and options. */
  validate?(field: ResolvedField, value: AnswerValue): Problem | null;
  /** Labels of the chosen options, kept with the answer. */
  snapshot?(field: ResolvedField, value: AnswerValue): Record<string, string>;
  /** Form values that show a stored answer again (the attendee's edit page). */
  formValues?(field: ResolvedField, value: AnswerValue): Record<string, string | string[]>;
  /** The answer as people read it (tables, detail pages). */
  display(answer: StoredAnswer, t: Translate, locale: string): string;
  /** The answer as the API and exports give it. */
  exportValue(answer: StoredAnswer): AnswerValue;
}

export type Setting =
  | 'required'
  | 'placeholder'
  | 'length'
  | 'range'
  | 'selections'
  | 'options'
  | 'display'
  | 'text'
  | 'ranks';

/** A field ready to draw and check: options resolved (structure types, breakout groups), built-in or not. */
export interface ResolvedField extends FormField {
  builtIn: boolean;
  autocomplete?: string;
}

export interface Problem {
  code: string;
  params?: Record<string, string | number>;
  /** A part of the field: a setting of the definition, or a rank of a group preference. */
  part?: string;
}

export interface Parsed {
  value?: AnswerValue;
  problem?: Problem;
}

export interface Choice {
  value: string;
  label: string;
  selected: boolean;
}

export interface RenderContext {
  t: Translate;
  /** The first submitted value of a form name, '' when none. */
  value(name: string): string;
  /** Every submitted value of a form name. */
  values(name: string): string[];
  errorFor(name: string): string;
  /** The element id of a form name. */
  id(name: string): string;
}

export type RenderData =
  | { kind: 'input'; inputType: string; value: string; attrs: Record<string, string | number> }
  | { kind: 'textarea'; value: string; attrs: Record<string, string | number> }
  | { kind: 'radios'; options: Choice[] }
  | { kind: 'select'; options: Choice[]; placeholder: string }
  | { kind: 'checkboxes'; options: Choice[] }
  | { kind: 'consent'; checked: boolean }
  | { kind: 'info'; text: string }
  | {
      kind: 'ranks';
      ranks: { name: string; id: string; label: string; error: string; options: Choice[]; placeholder: string }[];
    };

export function first(raw: unknown): unknown {
  return Array.isArray(raw) ? raw[0] : raw;
}

/** A submitted text: trimmed and NFC-normalised; '' when absent; null when not a text at all (an object, a boolean). */
export function readText(raw: unknown, multiline = false): string | null {
  const value = first(raw);
  if (value === undefined || value === null) return '';
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') return null;
  const text = value.normalize('NFC').trim();
  return multiline ? text.replace(/\r\n?/g, '\n') : text;
}

/** Shared reading of text answers: unreadable, control characters (line breaks on one line), length limits. */
export function parseText(field: FormField, raw: unknown, defaultMax: number, multiline = false): Parsed {
  const text = readText(raw, multiline);
  if (text === null) return { problem: { code: 'invalid_value' } };
  if (!text) return {};
  const unreadable = multiline ? (hasControlCharacters(text) ? 'control_characters' : null) : singleLineProblem(text);
  if (unreadable) return { problem: { code: unreadable } };
  const max = field.maxLength ?? defaultMax;
  if (text.length > max) return { problem: { code: 'too_long', params: { max } } };
  if (field.minLength && text.length < field.minLength)
    return { problem: { code: 'too_short', params: { min: field.minLength } } };
  return { value: text };
}

/** Attributes of a text input: limits, placeholder, autocomplete. */
export function textAttrs(field: ResolvedField, defaultMax: number): Record<string, string | number> {
  const attrs: Record<string, string | number> = { maxlength: field.maxLength ?? defaultMax };
  if (field.minLength) attrs.minlength = field.minLength;
  if (field.placeholder) attrs.placeholder = field.placeholder;
  if (field.autocomplete) attrs.autocomplete = field.autocomplete;
  return attrs;
}

export function textDisplay(answer: StoredAnswer): string {
  return Array.isArray(answer.value) ? answer.value.join(', ') : String(answer.value);
}

/** Checks of text settings: the limits must be whole numbers within the type's bounds, min not above max. */
export function checkLengths(field: FormField, ceiling: number): Problem[] {
  const problems: Problem[] = [];
  for (const part of ['minLength', 'maxLength'] as const) {
    const value = field[part];
    if (value !== undefined && (!Number.isInteger(value) || value < 0 || value > ceiling))
      problems.push({ part, code: 'length_limit', params: { max: ceiling } });
  }
  if (field.minLength !== undefined && field.maxLength !== undefined && field.minLength > field.maxLength)
    problems.push({ part: 'minLength', code: 'min_above_max' });
  return problems;
}

export function optionLabel(answer: StoredAnswer, key: string, field?: { options?: FieldOption[] }): string {
  return answer.options?.[key] ?? field?.options?.find((o) => o.key === key)?.label ?? key;
}

/** Checks of an option list: at least one, keys well-formed and unique, labels given. */
export function checkOptions(field: FormField): Problem[] {
  const options = field.options ?? [];
  if (options.length === 0) return [{ part: 'options', code: 'options_empty' }];
  const problems: Problem[] = [];
  const seen = new Set<string>();
  options.forEach((option, index) => {
    if (!/^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(option.key) || option.key.length > 64)
      problems.push({ part: `options.${index}.key`, code: 'key_format' });
    else if (seen.has(option.key))
      problems.push({ part: `options.${index}.key`, code: 'duplicate_option', params: { key: option.key } });
    seen.add(option.key);
    const unreadable = singleLineProblem(option.label);
    if (unreadable) problems.push({ part: `options.${index}.label`, code: unreadable });
    else if (!option.label.trim()) problems.push({ part: `options.${index}.label`, code: 'required' });
    else if (option.label.length > 200)
      problems.push({ part: `options.${index}.label`, code: 'too_long', params: { max: 200 } });
  });
  return problems;
}
