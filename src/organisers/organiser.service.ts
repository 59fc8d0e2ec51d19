import type { EntityManager } from '@mikro-orm/core';
import type { Orm } from '../db/orm.js';
import { Memo, clearNowAndAtCommit, clearOnWrites } from '../shared/memo.js';
import { createHash, randomBytes } from 'node:crypto';
import { AppError, type FieldError, ValidationError } from '../errors.js';
import { ApiToken, Organiser } from './organiser.entity.js';
import { isEmail } from '../shared/email.js';
import { hashPassword, verifyPassword } from './passwords.js';
import { checkSingleLine } from '../shared/text.js';

export const MIN_PASSWORD_LENGTH = 10;
export interface NewOrganiser {
  email: string;
  name?: string;
  password: string;
}

export async function countOrganisers(em: EntityManager): Promise<number> {
  return em.count(Organiser, {});
}

export async function createOrganiser(em: EntityManager, input: NewOrganiser): Promise<Organiser> {
  const email = input.email.trim().toLowerCase();
  const errors: FieldError[] = [];
  if (!isEmail(email)) errors.push({ field: 'email', code: 'email' });
  checkSingleLine(errors, 'name', input.name?.trim());
  if (input.password.length < MIN_PASSWORD_LENGTH)
    errors.push({ field: 'password', code: 'password_too_short', params: { min: MIN_PASSWORD_LENGTH } });
  if (errors.length) throw new ValidationError(errors);
  if (await em.findOne(Organiser, { email })) throw new ValidationError([{ field: 'email', code: 'organiser_exists' }]);
  const organiser = em.create(Organiser, {
    email,
    name: input.name?.trim() || email.split('@')[0],
    passwordHash: await hashPassword(input.password),
    createdAt: new Date(),
  });
  await em.flush();
  return organiser;
}

/** The organiser for these credentials, or null; the same work is done for unknown emails so timing does not tell. */
export async function authenticate(em: EntityManager, email: string, password: string): Promise<Organiser | null> {
  const organiser = await em.findOne(Organiser, { email: email.trim().toLowerCase() });
  const ok = await verifyPassword(password, organiser?.passwordHash ?? 'scrypt$16384$AAAAAAAAAAAAAAAAAAAAAA$AAAA');
  return organiser && ok ? organiser : null;
}

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** A new API token; only its hash is kept, so this is the one time it can be seen. */
export async function createApiToken(em: EntityManager, email: string, label = 'cli'): Promise<string> {
  const organiser = await em.findOne(Organiser, { email: email.trim().toLowerCase() });
  if (!organiser) throw new AppError('organiser_not_found', [], { email });
  const token = `atl_${randomBytes(32).toString('base64url')}`;
  em.create(ApiToken, { organiser, tokenHash: hashToken(token), label, createdAt: new Date(), revokedAt: null });
  await em.flush();
  return token;
}

type OrganiserData = Pick<
  Organiser,
  'id' | 'email' | 'name' | 'passwordHash' | 'passwordChangedAt' | 'sessionGeneration' | 'createdAt'
>;

/**
 * Who holds each API token, kept in memory so an API request does not query before its real work
 * (README, Performance). Any flush of a token or an organiser through this process empties it, and
 * so does a revocation (revokeToken below); a change made by another process shows within the TTL.
 */
const tokenMemos = new WeakMap<object, Memo<OrganiserData | null>>();

/** Keeps who holds each API token for `ttlMs` (0: not kept); the app sets it up at start. */
export function rememberTokensFor(orm: Orm, ttlMs: number): void {
  let memo = tokenMemos.get(orm.config);
  if (!memo) {
    const created = new Memo<OrganiserData | null>(ttlMs);
    tokenMemos.set(orm.config, created);
    orm.em.getEventManager().registerSubscriber(clearOnWrites(['ApiToken', 'Organiser'], () => created.clear()));
    memo = created;
  }
  memo.ttlMs = ttlMs;
}

/** Forgets every remembered token holder of this database (a token was revoked, an account changed). */
export function forgetTokens(em: EntityManager): void {
  const memo = tokenMemos.get(em.config);
  if (memo) clearNowAndAtCommit(em, () => memo.clear());
}

async function loadTokenHolder(em: EntityManager, tokenHash: string): Promise<OrganiserData | null> {
  // Its own context: the request's identity map gets its copy from em.merge below.
  const record = await em.fork().findOne(ApiToken, { tokenHash, revokedAt: null }, { populate: ['organiser'] });
  if (!record) return null;
  const { id, email, name, passwordHash, passwordChangedAt, sessionGeneration, createdAt } = record.organiser;
  return { id, email, name, passwordHash, passwordChangedAt, sessionGeneration, createdAt };
}

export async function organiserForToken(em: EntityManager, token: string): Promise<Organiser | null> {
  const tokenHash = hashToken(token);
  const memo = tokenMemos.get(em.config);
  if (!memo || memo.ttlMs <= 0) {
    const record = await em.findOne(ApiToken, { tokenHash, revokedAt: null }, { populate: ['organiser'] });
    return record?.organiser ?? null;
  }
  const data = await memo.get(tokenHash, () => loadTokenHolder(em, tokenHash));
  if (!data) return null;
  // The request's own managed copy (a copy: the remembered data is shared by every request).
  return em.merge(Organiser, {
    ...data,
    passwordChangedAt: data.passwordChangedAt && new Date(data.passwordChangedAt),
    createdAt: new Date(data.createdAt),
  });
}
