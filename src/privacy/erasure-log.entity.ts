import { EntitySchema } from '@mikro-orm/core';

/**
 * The trace of an erasure on request: which registration of which event, by whom, when; never
 * what was erased. Plain ids, not foreign keys, so the trace outlives the registration (and the event).
 */
export class ErasureLog {
  id!: number;
  eventId!: number;
  registrationId!: number;
  /** The organiser who erased it (null if that account was unknown). */
  organiserId: number | null = null;
  /** Where the request came from: `page` or `api`. */
  via!: string;
  erasedAt!: Date;
}

export const ErasureLogSchema = new EntitySchema<ErasureLog>({
  class: ErasureLog,
  tableName: 'erasure_log',
  properties: {
    id: { type: 'integer', primary: true, autoincrement: true },
    eventId: { type: 'integer', index: true },
    registrationId: { type: 'integer' },
    organiserId: { type: 'integer', nullable: true },
    via: { type: 'string', length: 16 },
    erasedAt: { type: 'datetime' },
  },
});
