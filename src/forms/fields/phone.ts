import { type FieldType, parseText, textAttrs, textDisplay } from './field-type.js';

const MAX = 30;

/** A telephone number: digits, spaces, dots, dashes, brackets and a leading +; 6 to 20 digits. */
export const phone: FieldType = {
  name: 'phone',
  answers: true,
  settings: ['required', 'placeholder'],
  render: (field, ctx) => ({
    kind: 'input',
    inputType: 'tel',
    value: ctx.value(field.key),
    attrs: { ...textAttrs(field, MAX), autocomplete: 'tel' },
  }),
  parse: (field, raw) => parseText({ ...field, maxLength: MAX, minLength: undefined }, raw, MAX),
  validate: (_field, value) => {
    const text = String(value);
    const digits = text.replace(/\D/g, '').length;
    return /^\+?[0-9 .()-]+$/.test(text) && digits >= 6 && digits <= 20 ? null : { code: 'phone' };
  },
  display: textDisplay,
  exportValue: (answer) => String(answer.value),
};
