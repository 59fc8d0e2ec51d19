import { type FieldType, checkOptions, optionLabel, readText } from './field-type.js';

/** One answer among a list, as radio buttons or a drop-down list (better past about eight options). */
export const singleChoice: FieldType = {
  name: 'choice',
  answers: true,
  settings: ['required', 'options', 'display'],
  requiredCode: 'choose_one',
  defaults: { display: 'radio' },
  check: (field) => [
    ...checkOptions(field),
    ...(field.display && !['radio', 'select'].includes(field.display) ? [{ part: 'display', code: 'choice' }] : []),
  ],
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
    [String(value)]: optionLabel({ label: '', type: 'choice', value }, String(value), field),
  }),
  display: (answer) => optionLabel(answer, String(answer.value)),
  exportValue: (answer) => String(answer.value),
};
