import { type FieldType, type Problem, readText } from './field-type.js';

const BOUND = 1e12;

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
    const normalised = text.replace(/\s/g, '').replace(',', '.');
    const value = /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(normalised) ? Number(normalised) : NaN;
    return Number.isFinite(value) && Math.abs(value) <= BOUND ? { value } : { problem: { code: 'number' } };
  },
  validate: (field, value): Problem | null => {
    const n = Number(value);
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
