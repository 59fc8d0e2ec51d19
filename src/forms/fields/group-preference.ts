import type { Translate } from '../../i18n/i18n.js';
import type { FormField } from '../form-definition.js';
import { type FieldType, type Problem, first, optionLabel } from './field-type.js';

/** How many ranks the form actually asks: the organiser's number, at most one per breakout group. */
export function shownRanks(field: FormField): number {
  return Math.min(field.ranks ?? 1, field.options?.length ?? 0);
}

export function rankLabel(t: Translate, n: number): string {
  return n <= 3 ? t(`form.rank${n}`) : t('form.rankN', { n });
}

/**
 * A ranked choice of the event's breakout groups (its sessions of kind "breakout"): one drop-down
 * list per rank, first choice first, no group twice. Options are the groups, keyed by session id;
 * the answer is the list of session ids, which the group assignment reads through `groupPreferences`.
 */
export const groupPreference: FieldType = {
  name: 'group_preference',
  answers: true,
  settings: ['required', 'ranks'],
  requiredCode: 'choose_one',
  defaults: { ranks: 2 },
  check: (field) => {
    const ranks = field.ranks;
    return ranks === undefined || (Number.isInteger(ranks) && ranks >= 1 && ranks <= 10)
      ? []
      : [{ part: 'ranks', code: 'ranks_limit', params: { max: 10 } }];
  },
  available: (field) => shownRanks(field) > 0,
  render: (field, ctx) => ({
    kind: 'ranks',
    ranks: Array.from({ length: shownRanks(field) }, (_, i) => {
      const name = `${field.key}.${i + 1}`;
      const current = ctx.value(name);
      return {
        name,
        id: ctx.id(name),
        label: rankLabel(ctx.t, i + 1),
        error: ctx.errorFor(name),
        placeholder: ctx.t('form.choose'),
        options: (field.options ?? []).map((o) => ({ value: o.key, label: o.label, selected: o.key === current })),
      };
    }),
  }),
  // The API sends a list of session ids; the form one field per rank, "key.1", "key.2"…
  read: (field, submission) => {
    if (submission[field.key] !== undefined) return submission[field.key];
    return Array.from(
      { length: Math.max(field.ranks ?? 1, 1) },
      (_, i) => first(submission[`${field.key}.${i + 1}`]) ?? '',
    );
  },
  parse: (field, raw) => {
    if (raw === undefined || raw === null || raw === '') return {};
    const list = Array.isArray(raw) ? raw : [raw];
    if (list.length > 50) return { problem: { code: 'invalid_value' } };
    const known = new Set((field.options ?? []).map((o) => o.key));
    const chosen: number[] = [];
    for (let i = 0; i < list.length; i++) {
      const entry = list[i];
      if (entry === '' || entry === null || entry === undefined) continue;
      const text = typeof entry === 'number' ? String(entry) : typeof entry === 'string' ? entry.trim() : null;
      const part = String(i + 1);
      if (text === null) return { problem: { code: 'invalid_value', part } };
      if (!text) continue;
      if (!known.has(text)) return { problem: { code: 'choice', part } };
      if (chosen.includes(Number(text))) return { problem: { code: 'group_twice', part } };
      chosen.push(Number(text));
    }
    return chosen.length ? { value: chosen } : {};
  },
  validate: (field, value) => {
    const count = (value as number[]).length;
    const ranks = shownRanks(field);
    const problems: Problem[] = [];
    if (count > ranks) problems.push({ code: 'ranks_too_many', params: { max: ranks } });
    else if (field.required && count < ranks)
      problems.push({ code: 'ranks_incomplete', params: { count: ranks }, part: String(count + 1) });
    return problems[0] ?? null;
  },
  snapshot: (field, value) =>
    Object.fromEntries(
      (value as number[]).map((id) => [
        String(id),
        field.options?.find((o) => o.key === String(id))?.label ?? String(id),
      ]),
    ),
  formValues: (field, value) =>
    Object.fromEntries((value as number[]).map((id, i) => [`${field.key}.${i + 1}`, String(id)])),
  display: (answer) =>
    Array.isArray(answer.value)
      ? answer.value.map((id, i) => `${i + 1}. ${optionLabel(answer, String(id))}`).join(' ; ')
      : String(answer.value),
  exportValue: (answer) => (Array.isArray(answer.value) ? answer.value.map(Number) : []),
};
