import { EntitySchema } from '@mikro-orm/core';
import { Registration } from './registration.entity.js';

/**
 * The outcome of a registration request that must happen once: a public form's nonce, or an API
 * `Idempotency-Key`. Stored in the registration's own transaction, so it exists exactly when the
 * registration does, on every instance; a second request with the same key replays it.
 */
export class IdempotencyRecord {
  id!: number;
  /** `form:<eventId>` or `api:<organiserId>:<eventId>`: keys of different callers never meet. */
  scope!: string;
  key!: string;
  /** SHA-256 of the request body: the same key with another body is refused. */
  requestHash!: string;
  registration!: Registration;
  status!: number;
  /** The JSON answered (API); null for the form, whose answer is the registration's page. */
  body: unknown = null;
  createdAt: Date = new Date();
}

export const IdempotencyRecordSchema = new EntitySchema<IdempotencyRecord>({
  class: IdempotencyRecord,
  tableName: 'idempotency_record',
  uniques: [{ properties: ['scope', 'key'], name: 'idempotency_record_scope_key_unique' }],
  indexes: [{ properties: ['createdAt'] }],
  properties: {
    id: { type: 'integer', primary: true, autoincrement: true },
    scope: { type: 'string', length: 100 },
    key: { type: 'string', length: 200 },
    requestHash: { type: 'string', length: 64 },
    // Erasing a registration erases its replayable answer (which holds its personal data) too.
    registration: { kind: 'm:1', entity: () => Registration, deleteRule: 'cascade' },
    status: { type: 'integer' },
    body: { type: 'json', nullable: true },
    createdAt: { type: 'datetime' },
  },
});
