import type { EntityManager } from '@mikro-orm/core';
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

export async function organiserForToken(em: EntityManager, token: string): Promise<Organiser | null> {
  const record = await em.findOne(
    ApiToken,
    { tokenHash: hashToken(token), revokedAt: null },
    { populate: ['organiser'] },
  );
  return record?.organiser ?? null;
}
