import type { Event, EventSession } from '../../src/events/event.entity.js';
import { DEFAULT_STRUCTURE_TYPES } from '../../src/events/structure-types.js';
import { checkSubmission } from '../../src/forms/answers.js';
import type { FormDefinition } from '../../src/forms/form-definition.js';
import { type DefinitionInput, checkDefinition, normaliseDefinition } from '../../src/forms/form-rules.js';
import { resolveForm } from '../../src/forms/resolve.js';

/** An event in memory (not saved): the default structure types, a plenary and three breakout groups (ids 11, 12, 13). */
export function memoryEvent(groups = 3): Event {
  const session = (id: number, kind: 'plenary' | 'breakout', title: string) =>
    ({ id, kind, title, topic: '', facilitator: '', room: '', capacity: null, position: 0 }) as EventSession;
  const sessions = [
    session(10, 'plenary', 'Plénière'),
    ...Array.from({ length: groups }, (_, i) => session(11 + i, 'breakout', `Groupe ${i + 1}`)),
  ];
  // Only what the form reads of an event: its structure types and its sessions (a collection needs the ORM).
  return {
    id: 1,
    title: 'Atelier',
    slug: 'atelier',
    structureTypes: DEFAULT_STRUCTURE_TYPES.map((t) => ({ ...t })),
    sessions: { getItems: () => sessions, isInitialized: () => true },
  } as unknown as Event;
}

/** A definition with one section holding these fields, normalised and checked (throws on a broken definition). */
export function formWith(fields: object[], event = memoryEvent()): FormDefinition {
  const definition = normaliseDefinition({
    sections: [{ title: 'Questions', fields: fields as DefinitionInput['sections'][number]['fields'] }],
  });
  const errors = checkDefinition(definition, event);
  if (errors.length) throw new Error(`broken test form: ${JSON.stringify(errors)}`);
  return definition;
}

/** The built-in answers of a valid submission. */
export const person = {
  firstName: 'Camille',
  lastName: 'Martin',
  email: 'camille@exemple.fr',
  organisation: 'CCAS',
  structureType: 'association',
  consent: 'yes',
};

/** Checks a submission (built-in answers added) against a form of these fields. */
export function submit(fields: object[] | FormDefinition, answers: Record<string, unknown>, event = memoryEvent()) {
  const definition = Array.isArray(fields) ? formWith(fields, event) : fields;
  const form = resolveForm(definition, event);
  return { form, ...checkSubmission(form, { ...person, ...answers }) };
}
