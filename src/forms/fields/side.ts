import { type FieldType, optionLabel, readText } from './field-type.js';

/**
 * "Votre domaine d'intervention": one of the event's sides (volets), as radio buttons or a drop-down list. Options are
 * the event's sides, filled in when the form is resolved (like the groups of a group preference); the answer sets the
 * person's side at registration, over their structure type's (src/forms/side-question.ts).
 */
export const sideChoice: FieldType = {
  name: 'side',
  answers: true,
  settings: ['required', 'display'],
  requiredCode: 'choose_one',
  defaults: { display: 'radio', required: true },
  check: (field) =>
    field.display && !['radio', 'select'].includes(field.display) ? [{ part: 'display', code: 'choice' }] : [],
  available: (field) => (field.options?.length ?? 0) > 0,
  conditionOptions: (field) => field.options ?? [],
  conditionValues: (value) => [String(value)],
  render: (field, ctx) => {
    const current = ctx.value(field.key);
    const options = (field.options ?? []).map((o) => ({ value: o.key, label: o.label, selected: o.key === current }));
    return field.display === 'select'
      ? { kind: 'select', options, placeholder: ctx.t('form.choose') }
      : { kind: 'radios', options };
  },
  parse: (_field, raw) => {
    const text = readText(raw);
    if (text === null) return { problem: { code: 'invalid_value' } };
    return text ? { value: text } : {};
  },
  validate: (field, value) => ((field.options ?? []).some((o) => o.key === value) ? null : { code: 'choice' }),
  snapshot: (field, value) => ({
    [String(value)]: optionLabel({ label: '', type: 'side', value }, String(value), field),
  }),
  display: (answer) => optionLabel(answer, String(answer.value)),
  exportValue: (answer) => String(answer.value),
};
