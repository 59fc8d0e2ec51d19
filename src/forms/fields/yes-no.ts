import { type FieldType, first } from './field-type.js';

const YES = new Set(['yes', 'oui', 'true', '1', 'on']);
const NO = new Set(['no', 'non', 'false', '0']);

/** Yes or no, as two radio buttons; stored as true or false; a condition tests "yes" or "no". */
export const yesNo: FieldType = {
  name: 'yesno',
  answers: true,
  settings: ['required'],
  requiredCode: 'choose_one',
  conditionOptions: (_field, t) => [
    { key: 'yes', label: t('form.yes') },
    { key: 'no', label: t('form.no') },
  ],
  conditionValues: (value) => [value === true ? 'yes' : 'no'],
  render: (field, ctx) => {
    const current = ctx.value(field.key);
    return {
      kind: 'radios',
      options: [
        { value: 'yes', label: ctx.t('form.yes'), selected: current === 'yes' },
        { value: 'no', label: ctx.t('form.no'), selected: current === 'no' },
      ],
    };
  },
  parse: (_field, raw) => {
    const value = first(raw);
    if (value === undefined || value === null || value === '') return {};
    if (typeof value === 'boolean') return { value };
    const text = String(value).trim().toLowerCase();
    if (YES.has(text)) return { value: true };
    if (NO.has(text)) return { value: false };
    return { problem: { code: 'choice' } };
  },
  formValues: (field, value) => ({ [field.key]: value === true ? 'yes' : 'no' }),
  display: (answer, t) =>
    answer.value === true ? t('form.yes') : answer.value === false ? t('form.no') : String(answer.value),
  exportValue: (answer) => answer.value === true,
};
