import { type InferEntity, defineEntity, p } from '@mikro-orm/core';
import { Registration } from './registration.entity.js';

/**
 * The outcome of a registration request that must happen once: a public form's nonce, or an API
 * `Idempotency-Key`. Stored in the registration's own transaction, so it exists exactly when the
 * registration does, on every instance; a second request with the same key replays it.
 */
export const IdempotencyRecord = defineEntity({
  name: 'IdempotencyRecord',
  tableName: 'idempotency_record',
  uniques: [{ properties: ['scope', 'key'], name: 'idempotency_record_scope_key_unique' }],
  indexes: [{ properties: ['createdAt'] }],
  properties: {
    id: p.integer().primary().autoincrement(),
    /** `form:<eventId>` or `api:<organiserId>:<eventId>`: keys of different callers never meet. */
    scope: p.string().length(100),
    key: p.string().length(200),
    /** SHA-256 of the request body: the same key with another body is refused. */
    requestHash: p.string().length(64),
    // Erasing a registration erases its replayable answer (which holds its personal data) too.
    registration: () => p.manyToOne(Registration).deleteRule('cascade'),
    status: p.integer(),
    /** The JSON answered (API); null for the form, whose answer is the registration's page. */
    body: p.json<unknown>().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});

export type IdempotencyRecord = InferEntity<typeof IdempotencyRecord>;
