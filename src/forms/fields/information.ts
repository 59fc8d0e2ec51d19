import type { FieldType } from './field-type.js';

/** A paragraph for the attendee (directions, what to bring): nothing to answer. */
export const information: FieldType = {
  name: 'info',
  answers: false,
  settings: ['text'],
  check: (field) => (field.text?.trim() ? [] : [{ part: 'text', code: 'required' }]),
  render: (field) => ({ kind: 'info', text: field.text ?? '' }),
  parse: () => ({}),
  display: () => '',
  exportValue: (answer) => answer.value,
};
