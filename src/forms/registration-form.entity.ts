import { type InferEntity, defineEntity, p } from '@mikro-orm/core';
import { Event } from '../events/event.entity.js';
import type { FormDefinition } from './form-definition.js';

/**
 * An event's registration form, in its own table rather than a JSON column on `event`: the form is
 * its own domain (src/forms), the builder saves it often without touching the event (no `updatedAt`
 * or calendar `sequence` change, no clash with someone editing the event at the same time), event
 * lists do not carry it, and it keeps beside it the keys of removed fields, never to be given again
 * so that old answers are not mistaken for answers to a new question. One row per event, created on
 * the first save; an event without one has the built-in fields only.
 */
export const RegistrationForm = defineEntity({
  name: 'RegistrationForm',
  tableName: 'registration_form',
  properties: {
    id: p.integer().primary().autoincrement(),
    event: () => p.manyToOne(Event).deleteRule('cascade').unique('registration_form_event_unique'),
    definition: p.json<FormDefinition>(),
    /** Keys of fields once in the form and removed since: their answers may still be stored. */
    retiredKeys: p.json<string[]>(),
    createdAt: p.datetime(),
    updatedAt: p.datetime(),
  },
});

export type RegistrationForm = InferEntity<typeof RegistrationForm>;
