import { type InferEntity, defineEntity, p } from '@mikro-orm/core';
import { Event } from '../events/event.entity.js';
import { Registration } from '../registrations/registration.entity.js';

/**
 * One person asked to answer an event's survey: at most one per registration (sent once), and
 * whether they answered. It holds no date of answering and no link to the answer (see
 * survey-response.entity.ts): with an anonymous survey, which answer is whose cannot be told.
 */
export const SurveyInvitation = defineEntity({
  name: 'SurveyInvitation',
  tableName: 'survey_invitation',
  properties: {
    id: p.integer().primary().autoincrement(),
    event: () => p.manyToOne(Event).deleteRule('cascade').index(),
    registration: () => p.manyToOne(Registration).deleteRule('cascade').unique('survey_invitation_registration_unique'),
    sentAt: p.datetime(),
    answered: p.boolean().default(false),
  },
});

export type SurveyInvitation = InferEntity<typeof SurveyInvitation>;
