import { type InferEntity, defineEntity, p } from '@mikro-orm/core';

export const Organiser = defineEntity({
  name: 'Organiser',
  properties: {
    id: p.integer().primary().autoincrement(),
    email: p.string().length(254).unique(),
    name: p.string().length(200),
    passwordHash: p.string().length(300),
    /** Sessions started before this are no longer valid (a password change signs out other browsers). */
    passwordChangedAt: p.datetime().nullable(),
    /**
     * Bumped at logout and on a password change; a session holds the value it started with, so once
     * bumped, every copy of an older session cookie stops working.
     */
    sessionGeneration: p
      .integer()
      .default(0)
      .onCreate(() => 0),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});

export type Organiser = InferEntity<typeof Organiser>;

/** An API token: only its SHA-256 is stored; the token itself is shown once. */
export const ApiToken = defineEntity({
  name: 'ApiToken',
  properties: {
    id: p.integer().primary().autoincrement(),
    organiser: () => p.manyToOne(Organiser).deleteRule('cascade'),
    tokenHash: p.string().length(64).unique(),
    label: p.string().length(200),
    createdAt: p.datetime().onCreate(() => new Date()),
    revokedAt: p.datetime().nullable(),
  },
});

export type ApiToken = InferEntity<typeof ApiToken>;
