import { type InferEntity, defineEntity, p } from '@mikro-orm/core';
import { Organiser } from './organiser.entity.js';

/** A password-reset (or team invitation) link: only the token's SHA-256 is kept; it works once, until it expires. */
export const PasswordReset = defineEntity({
  name: 'PasswordReset',
  tableName: 'password_reset',
  properties: {
    id: p.integer().primary().autoincrement(),
    organiser: () => p.manyToOne(Organiser).deleteRule('cascade'),
    tokenHash: p.string().length(64).unique(),
    expiresAt: p.datetime(),
    usedAt: p.datetime().nullable(),
    createdAt: p.datetime(),
  },
});

export type PasswordReset = InferEntity<typeof PasswordReset>;

/**
 * A failed sign-in, kept for the throttling window only. Stored in the database (not in memory)
 * so that every instance counts the same failures.
 */
export const LoginFailure = defineEntity({
  name: 'LoginFailure',
  tableName: 'login_failure',
  indexes: [
    { properties: ['emailKey', 'createdAt'], name: 'login_failure_email_index' },
    { properties: ['ip', 'createdAt'], name: 'login_failure_ip_index' },
  ],
  properties: {
    id: p.integer().primary().autoincrement(),
    /** The email as typed, lower-cased: an unknown account is throttled like a known one. */
    emailKey: p.string().length(254),
    ip: p.string().length(64),
    createdAt: p.datetime(),
  },
});

export type LoginFailure = InferEntity<typeof LoginFailure>;
