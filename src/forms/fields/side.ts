import type { FieldType } from './field-type.js';
import { singleChoice } from './single-choice.js';

/**
 * "Votre domaine d'intervention": one of the event's sides (volets), as radio buttons or a drop-down list. It is a
 * single choice whose options are the event's sides, filled in when the form is resolved (like the groups of a group
 * preference), not set by the organiser; the answer sets the person's side at registration, over their structure
 * type's (src/forms/side-question.ts).
 */
export const sideChoice: FieldType = {
  ...singleChoice,
  name: 'side',
  settings: ['required', 'display'],
  defaults: { display: 'radio', required: true },
  check: (field) =>
    field.display && !['radio', 'select'].includes(field.display) ? [{ part: 'display', code: 'choice' }] : [],
  available: (field) => (field.options?.length ?? 0) > 0,
};
