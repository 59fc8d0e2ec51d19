import { type FieldType, checkLengths, parseText, textAttrs, textDisplay } from './field-type.js';

const MAX = 5000;

/** Several lines of text: needs, comments, questions for the speakers. */
export const longText: FieldType = {
  name: 'textarea',
  answers: true,
  settings: ['required', 'placeholder', 'length'],
  check: (field) => checkLengths(field, 20000),
  render: (field, ctx) => ({
    kind: 'textarea',
    value: ctx.value(field.key),
    attrs: { ...textAttrs(field, MAX), rows: 4 },
  }),
  parse: (field, raw) => parseText(field, raw, MAX, true),
  display: textDisplay,
  exportValue: (answer) => String(answer.value),
};
