import { hasControlCharacters } from '../../shared/text.js';
import { type FieldType, type Problem, checkOptions, optionLabel } from './field-type.js';

function asList(raw: unknown): string[] | null {
  if (raw === undefined || raw === null || raw === '') return [];
  const list = Array.isArray(raw) ? raw : [raw];
  if (!list.every((v) => typeof v === 'string')) return null;
  return [...new Set((list as string[]).map((v) => v.trim()).filter(Boolean))];
}

/** Several answers among a list, as checkboxes, with an optional minimum and maximum number of ticks. */
export const multipleChoice: FieldType = {
  name: 'multiple',
  answers: true,
  settings: ['required', 'options', 'selections'],
  requiredCode: 'choose_at_least_one',
  check: (field) => {
    const problems: Problem[] = checkOptions(field);
    const count = field.options?.length ?? 0;
    for (const part of ['minSelections', 'maxSelections'] as const) {
      const value = field[part];
      if (value !== undefined && (!Number.isInteger(value) || value < 0 || value > Math.max(count, 1)))
        problems.push({ part, code: 'selections_limit', params: { max: count } });
    }
    if (
      field.minSelections !== undefined &&
      field.maxSelections !== undefined &&
      field.minSelections > field.maxSelections
    )
      problems.push({ part: 'minSelections', code: 'min_above_max' });
    return problems;
  },
  conditionOptions: (field) => field.options ?? [],
  conditionValues: (value) => (Array.isArray(value) ? value.map(String) : [String(value)]),
  render: (field, ctx) => {
    const current = new Set(ctx.values(field.key));
    return {
      kind: 'checkboxes',
      options: (field.options ?? []).map((o) => ({ value: o.key, label: o.label, selected: current.has(o.key) })),
    };
  },
  parse: (field, raw) => {
    const list = asList(raw);
    if (list === null || list.some((v) => hasControlCharacters(v))) return { problem: { code: 'invalid_value' } };
    if (list.length > (field.options?.length ?? 0)) return { problem: { code: 'choice' } };
    return list.length ? { value: list } : {};
  },
  validate: (field, value): Problem | null => {
    const list = value as string[];
    const keys = new Set((field.options ?? []).map((o) => o.key));
    if (!list.every((v) => keys.has(v))) return { code: 'choice' };
    if (field.minSelections && list.length < field.minSelections)
      return { code: 'selections_min', params: { min: field.minSelections } };
    if (field.maxSelections && list.length > field.maxSelections)
      return { code: 'selections_max', params: { max: field.maxSelections } };
    return null;
  },
  snapshot: (field, value) =>
    Object.fromEntries((value as string[]).map((k) => [k, field.options?.find((o) => o.key === k)?.label ?? k])),
  formValues: (field, value) => ({ [field.key]: (value as string[]).map(String) }),
  display: (answer) =>
    Array.isArray(answer.value)
      ? answer.value.map((k) => optionLabel(answer, String(k))).join(', ')
      : String(answer.value),
  exportValue: (answer) => (Array.isArray(answer.value) ? answer.value.map(String) : [String(answer.value)]),
};
