import { type FieldType, readText } from './field-type.js';

/** "2026-03-12" or "12/03/2026" (browsers without a date picker) → "2026-03-12"; null when not a real day. */
export function isoDate(text: string): string | null {
  let match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  let [year, month, day] = match ? [match[1], match[2], match[3]] : ['', '', ''];
  if (!match) {
    match = /^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$/.exec(text);
    if (!match) return null;
    [day, month, year] = [match[1].padStart(2, '0'), match[2].padStart(2, '0'), match[3]];
  }
  const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  if (
    date.getUTCFullYear() !== Number(year) ||
    date.getUTCMonth() !== Number(month) - 1 ||
    date.getUTCDate() !== Number(day)
  )
    return null;
  return `${year}-${month}-${day}`;
}

/** A calendar day (a date of birth, an arrival date), stored as YYYY-MM-DD. */
export const date: FieldType = {
  name: 'date',
  answers: true,
  settings: ['required'],
  render: (field, ctx) => ({ kind: 'input', inputType: 'date', value: ctx.value(field.key), attrs: {} }),
  parse: (_field, raw) => {
    const text = readText(raw);
    if (text === null) return { problem: { code: 'invalid_value' } };
    if (!text) return {};
    const value = isoDate(text);
    return value ? { value } : { problem: { code: 'date' } };
  },
  display: (answer, _t, locale) => {
    const value = String(answer.value);
    const day = isoDate(value);
    return day
      ? new Date(`${day}T12:00:00Z`).toLocaleDateString(locale === 'en' ? 'en-GB' : 'fr-FR', {
          timeZone: 'UTC',
          day: 'numeric',
          month: 'long',
          year: 'numeric',
        })
      : value;
  },
  exportValue: (answer) => String(answer.value),
};
