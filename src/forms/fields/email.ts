import { isEmail } from '../../shared/email.js';
import { type FieldType, parseText, textAttrs, textDisplay } from './field-type.js';

const MAX = 254;

/** An email address (another than the attendee's own, e.g. their manager's). */
export const email: FieldType = {
  name: 'email',
  answers: true,
  settings: ['required', 'placeholder'],
  render: (field, ctx) => ({
    kind: 'input',
    inputType: 'email',
    value: ctx.value(field.key),
    attrs: textAttrs(field, MAX),
  }),
  parse: (field, raw) => parseText({ ...field, maxLength: MAX, minLength: undefined }, raw, MAX),
  validate: (_field, value) => (isEmail(String(value)) ? null : { code: 'email' }),
  display: textDisplay,
  exportValue: (answer) => String(answer.value),
};
