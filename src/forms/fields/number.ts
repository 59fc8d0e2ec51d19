import { type FieldType, type Problem, readText } from './field-type.js';

const BOUND = 1e12;
/** Longer than any number within the bound, however written (spaces, zeros): refused before reading. */
const MAX_TEXT = 64;

const isDigit = (c: string) => c >= '0' && c <= '9';

/**
 * "1 234,5", "-3", ".5", "1e3" → the number; null when not a plain decimal. Read character by
 * character (a pattern such as `\d+\.?\d*` backtracks on long runs of digits).
 */
export function readDecimal(text: string): number | null {
  // No number anyone types is longer: refused before it is even read.
  if (text.length > MAX_TEXT) return null;
  let plain = '';
  for (const c of text) if (c !== ' ' && c !== '\u00a0' && c !== '\u202f' && c !== '\t') plain += c;
  let i = 0;
  if (plain[i] === '-' || plain[i] === '+') i++;
  let digits = 0;
  while (i < plain.length && isDigit(plain[i])) {
    i++;
    digits++;
  }
  if (plain[i] === '.' || plain[i] === ',') {
    i++;
    while (i < plain.length && isDigit(plain[i])) {
      i++;
      digits++;
    }
  }
  if (digits === 0) return null;
  if (plain[i] === 'e' || plain[i] === 'E') {
    i++;
    if (plain[i] === '-' || plain[i] === '+') i++;
    let exponent = 0;
    while (i < plain.length && isDigit(plain[i])) {
      i++;
      exponent++;
    }
    if (exponent === 0) return null;
  }
  if (i !== plain.length) return null;
  const value = Number(plain.replace(',', '.'));
  return Number.isFinite(value) ? value : null;
}

/** A number, optionally between a minimum and a maximum; a decimal comma is accepted. */
export const number: FieldType = {
  name: 'number',
  answers: true,
  settings: ['required', 'placeholder', 'range'],
  check: (field) => {
    const problems: Problem[] = [];
    for (const part of ['min', 'max'] as const) {
      const value = field[part];
      if (value !== undefined && (!Number.isFinite(value) || Math.abs(value) > BOUND))
        problems.push({ part, code: 'number' });
    }
    if (field.min !== undefined && field.max !== undefined && field.min > field.max)
      problems.push({ part: 'min', code: 'min_above_max' });
    return problems;
  },
  render: (field, ctx) => {
    const attrs: Record<string, string | number> = { inputmode: 'decimal', step: 'any' };
    if (field.min !== undefined) attrs.min = field.min;
    if (field.max !== undefined) attrs.max = field.max;
    if (field.placeholder) attrs.placeholder = field.placeholder;
    return { kind: 'input', inputType: 'number', value: ctx.value(field.key), attrs };
  },
  parse: (_field, raw) => {
    if (typeof raw === 'number') return Number.isFinite(raw) ? { value: raw } : { problem: { code: 'number' } };
    const text = readText(raw);
    if (text === null) return { problem: { code: 'invalid_value' } };
    if (!text) return {};
    const value = text.length <= MAX_TEXT ? readDecimal(text) : null;
    return value !== null && Math.abs(value) <= BOUND ? { value } : { problem: { code: 'number' } };
  },
  validate: (field, value): Problem | null => {
    const n = Number(value);
    // A JSON number from the API skips `parse`'s reading: the bounds hold whatever the answer's type.
    if (!Number.isFinite(n) || Math.abs(n) > BOUND) return { code: 'number' };
    if (field.min !== undefined && n < field.min) return { code: 'number_min', params: { min: field.min } };
    if (field.max !== undefined && n > field.max) return { code: 'number_max', params: { max: field.max } };
    return null;
  },
  formValues: (field, value) => ({ [field.key]: String(value) }),
  display: (answer, _t, locale) =>
    typeof answer.value === 'number'
      ? answer.value.toLocaleString(locale === 'en' ? 'en-GB' : 'fr-FR')
      : String(answer.value),
  exportValue: (answer) => Number(answer.value),
};
