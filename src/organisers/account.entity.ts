import { EntitySchema } from '@mikro-orm/core';
import { Organiser } from './organiser.entity.js';

/** A password-reset (or team invitation) link: only the token's SHA-256 is kept; it works once, until it expires. */
export class PasswordReset {
  id!: number;
  organiser!: Organiser;
  tokenHash!: string;
  expiresAt!: Date;
  usedAt: Date | null = null;
  createdAt: Date = new Date();
}

export const PasswordResetSchema = new EntitySchema<PasswordReset>({
  class: PasswordReset,
  tableName: 'password_reset',
  properties: {
    id: { type: 'integer', primary: true, autoincrement: true },
    organiser: { kind: 'm:1', entity: () => Organiser, deleteRule: 'cascade' },
    tokenHash: { type: 'string', length: 64, unique: true },
    expiresAt: { type: 'datetime' },
    usedAt: { type: 'datetime', nullable: true },
    createdAt: { type: 'datetime' },
  },
});

/**
 * A failed sign-in, kept for the throttling window only. Stored in the database (not in memory)
 * so that every instance counts the same failures.
 */
export class LoginFailure {
  id!: number;
  /** The email as typed, lower-cased: an unknown account is throttled like a known one. */
  emailKey!: string;
  ip!: string;
  createdAt: Date = new Date();
}

export const LoginFailureSchema = new EntitySchema<LoginFailure>({
  class: LoginFailure,
  tableName: 'login_failure',
  indexes: [
    { properties: ['emailKey', 'createdAt'], name: 'login_failure_email_index' },
    { properties: ['ip', 'createdAt'], name: 'login_failure_ip_index' },
  ],
  properties: {
    id: { type: 'integer', primary: true, autoincrement: true },
    emailKey: { type: 'string', length: 254 },
    ip: { type: 'string', length: 64 },
    createdAt: { type: 'datetime' },
  },
});
