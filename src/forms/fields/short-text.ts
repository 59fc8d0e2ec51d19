import { type FieldType, checkLengths, parseText, textAttrs, textDisplay } from './field-type.js';

const MAX = 200;

/** One line of text: a name, a job title, a neighbourhood. */
export const shortText: FieldType = {
  name: 'text',
  answers: true,
  settings: ['required', 'placeholder', 'length'],
  check: (field) => checkLengths(field, 1000),
  render: (field, ctx) => ({
    kind: 'input',
    inputType: 'text',
    value: ctx.value(field.key),
    attrs: textAttrs(field, MAX),
  }),
  parse: (field, raw) => parseText(field, raw, MAX),
  display: textDisplay,
  exportValue: (answer) => String(answer.value),
};
