import { type InferEntity, defineEntity, p } from '@mikro-orm/core';
import type { StoredAnswer } from '../forms/form-definition.js';
import { Event } from '../events/event.entity.js';
import { Registration } from '../registrations/registration.entity.js';

/**
 * One person's answers to a survey. For an anonymous survey nothing here points back at them:
 * - no registration (null) and no invitation: "has answered" lives on the invitation, apart;
 * - a random id (not a sequence number), so ids do not tell the order answers came in, which could
 *   be matched against other traces (emails sent, check-in order);
 * - the day of the answer only (`answeredOn`, YYYY-MM-DD), never a time to set against a log.
 * Rows are read back ordered by their random id, never by insertion order. On SQLite the table is
 * `without rowid` (its migration), so even the file keeps them in id order; PostgreSQL keeps rows
 * where they were written (`ctid`) until the table is rewritten, an order of answers that nothing
 * else stored can be set against (the invitations do not keep when they were answered).
 * A survey that is not anonymous (the organiser's choice, said on the survey page) keeps the registration.
 */
export const SurveyResponse = defineEntity({
  name: 'SurveyResponse',
  tableName: 'survey_response',
  properties: {
    id: p.string().length(32).primary(),
    event: () => p.manyToOne(Event).deleteRule('cascade').index(),
    registration: () => p.manyToOne(Registration).deleteRule('set null').nullable(),
    answers: p.json<Record<string, StoredAnswer>>(),
    answeredOn: p.string().length(10),
  },
});

export type SurveyResponse = InferEntity<typeof SurveyResponse>;
