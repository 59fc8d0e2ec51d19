import { type InferEntity, defineEntity, p } from '@mikro-orm/core';
import { Event } from '../events/event.entity.js';
import type { FormDefinition } from './form-definition.js';

/**
 * An event's satisfaction survey, designed with the same builder as the registration form and kept
 * the same way (a definition and its retired keys), in its own table: the registration form's row is
 * one per event, and a survey is optional and has a setting of its own. Sending and answers are in
 * src/surveys.
 */
export const SurveyForm = defineEntity({
  name: 'SurveyForm',
  tableName: 'survey_form',
  properties: {
    id: p.integer().primary().autoincrement(),
    event: () => p.manyToOne(Event).deleteRule('cascade').unique('survey_form_event_unique'),
    definition: p.json<FormDefinition>(),
    retiredKeys: p.json<string[]>(),
    /** Anonymous (the default): nothing stored joins an answer to the person who gave it. */
    anonymous: p.boolean().default(true),
    createdAt: p.datetime(),
    updatedAt: p.datetime(),
  },
});

export type SurveyForm = InferEntity<typeof SurveyForm>;
