import { EntitySchema, type Opt } from '@mikro-orm/core';

export class Organiser {
  id!: number;
  email!: string;
  name!: string;
  passwordHash!: string;
  /** Sessions started before this are no longer valid (a password change signs out other browsers). */
  passwordChangedAt: Date | null = null;
  /**
   * Bumped at logout and on a password change; a session holds the value it started with, so once
   * bumped, every copy of an older session cookie stops working.
   */
  sessionGeneration: Opt<number> = 0;
  createdAt: Date = new Date();
}

export const OrganiserSchema = new EntitySchema<Organiser>({
  class: Organiser,
  properties: {
    id: { type: 'integer', primary: true, autoincrement: true },
    email: { type: 'string', length: 254, unique: true },
    name: { type: 'string', length: 200 },
    passwordHash: { type: 'string', length: 300 },
    passwordChangedAt: { type: 'datetime', nullable: true },
    sessionGeneration: { type: 'integer', default: 0 },
    createdAt: { type: 'datetime' },
  },
});

/** An API token: only its SHA-256 is stored; the token itself is shown once. */
export class ApiToken {
  id!: number;
  organiser!: Organiser;
  tokenHash!: string;
  label!: string;
  createdAt: Date = new Date();
  revokedAt?: Date | null;
}

export const ApiTokenSchema = new EntitySchema<ApiToken>({
  class: ApiToken,
  properties: {
    id: { type: 'integer', primary: true, autoincrement: true },
    organiser: { kind: 'm:1', entity: () => Organiser, deleteRule: 'cascade' },
    tokenHash: { type: 'string', length: 64, unique: true },
    label: { type: 'string', length: 200 },
    createdAt: { type: 'datetime' },
    revokedAt: { type: 'datetime', nullable: true },
  },
});
