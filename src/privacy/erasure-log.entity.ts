import { type InferEntity, defineEntity, p } from '@mikro-orm/core';

/**
 * The trace of an erasure on request: which registration of which event, by whom, when; never
 * what was erased. Plain ids, not foreign keys, so the trace outlives the registration (and the event).
 */
export const ErasureLog = defineEntity({
  name: 'ErasureLog',
  tableName: 'erasure_log',
  properties: {
    id: p.integer().primary().autoincrement(),
    eventId: p.integer().index(),
    registrationId: p.integer(),
    /** The organiser who erased it (null if that account was unknown). */
    organiserId: p.integer().nullable(),
    /** Where the request came from: `page` or `api`. */
    via: p.string().length(16),
    erasedAt: p.datetime(),
  },
});

export type ErasureLog = InferEntity<typeof ErasureLog>;
