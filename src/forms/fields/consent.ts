import { type FieldType, first } from './field-type.js';

/** A checkbox to agree to something (photos, sharing one's address with the group); its label is the statement. */
export const consent: FieldType = {
  name: 'consent',
  answers: true,
  settings: ['required'],
  requiredCode: 'consent_required',
  // Unticked while shown and optional: a recorded "no", not a missing answer.
  emptyValue: false,
  defaults: { required: true },
  conditionOptions: (_field, t) => [{ key: 'yes', label: t('form.consentGiven') }],
  conditionValues: (value) => (value === true ? ['yes'] : []),
  render: (field, ctx) => ({ kind: 'consent', checked: ['yes', 'true', 'on', '1'].includes(ctx.value(field.key)) }),
  parse: (_field, raw) => {
    const value = first(raw);
    if (value === true) return { value: true };
    if (value === undefined || value === null || value === false || value === '') return {};
    const text = String(value).trim().toLowerCase();
    if (['yes', 'oui', 'true', 'on', '1'].includes(text)) return { value: true };
    if (['no', 'non', 'false', '0'].includes(text)) return {};
    return { problem: { code: 'invalid_value' } };
  },
  formValues: (field, value) => (value === true ? { [field.key]: 'yes' } : {}),
  display: (answer, t) => (answer.value === true ? t('form.consentGiven') : t('form.consentRefused')),
  exportValue: (answer) => answer.value === true,
};
