import type { EntityManager } from '@mikro-orm/core';
import { createHash, randomBytes } from 'node:crypto';
import { ValidationError } from '../errors.js';
import { PasswordReset } from './account.entity.js';
import { ApiToken, Organiser } from './organiser.entity.js';
import { MIN_PASSWORD_LENGTH, forgetTokens } from './organiser.service.js';
import { hashPassword, verifyPassword } from './passwords.js';

export const RESET_LINK_LIFETIME_MS = 60 * 60 * 1000;
export const INVITATION_LIFETIME_MS = 7 * 24 * 60 * 60 * 1000;
/** A reset link is not sent again to the same account within this time (no flooding someone's inbox). */
export const RESET_RESEND_DELAY_MS = 5 * 60 * 1000;

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

function checkNewPassword(password: string, confirmation: string): void {
  if (password.length < MIN_PASSWORD_LENGTH)
    throw new ValidationError([
      { field: 'password', code: 'password_too_short', params: { min: MIN_PASSWORD_LENGTH } },
    ]);
  if (password !== confirmation)
    throw new ValidationError([{ field: 'passwordConfirmation', code: 'password_mismatch' }]);
}

async function setPassword(em: EntityManager, organiser: Organiser, password: string, now: Date): Promise<void> {
  organiser.passwordHash = await hashPassword(password);
  organiser.passwordChangedAt = now;
  organiser.sessionGeneration += 1;
  await em.flush();
}

export async function changePassword(
  em: EntityManager,
  organiser: Organiser,
  current: string,
  password: string,
  confirmation: string,
  now = new Date(),
): Promise<void> {
  if (!(await verifyPassword(current, organiser.passwordHash)))
    throw new ValidationError([{ field: 'currentPassword', code: 'password_wrong' }]);
  checkNewPassword(password, confirmation);
  await setPassword(em, organiser, password, now);
}

/**
 * A new single-use "forgotten password" link, valid an hour, or null when one was sent moments ago.
 * Only its hash is stored; the token goes in the email and nowhere else.
 */
export async function issuePasswordReset(
  em: EntityManager,
  organiser: Organiser,
  now = new Date(),
): Promise<string | null> {
  const recent = await em.count(PasswordReset, {
    organiser,
    usedAt: null,
    createdAt: { $gt: new Date(now.getTime() - RESET_RESEND_DELAY_MS) },
  });
  if (recent > 0) return null;
  return createPasswordLink(em, organiser, RESET_LINK_LIFETIME_MS, now);
}

/** The link a newcomer to a team gets to choose their first password: the same kind, valid a week. */
export async function issueInvitationLink(em: EntityManager, organiser: Organiser, now = new Date()): Promise<string> {
  return createPasswordLink(em, organiser, INVITATION_LIFETIME_MS, now);
}

async function createPasswordLink(
  em: EntityManager,
  organiser: Organiser,
  lifetimeMs: number,
  now: Date,
): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  em.create(PasswordReset, {
    organiser,
    tokenHash: hashToken(token),
    expiresAt: new Date(now.getTime() + lifetimeMs),
    usedAt: null,
    createdAt: now,
  });
  await em.flush();
  return token;
}

export async function findPasswordReset(
  em: EntityManager,
  token: string,
  now = new Date(),
): Promise<PasswordReset | null> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return null;
  return em.findOne(
    PasswordReset,
    { tokenHash: hashToken(token), usedAt: null, expiresAt: { $gt: now } },
    { populate: ['organiser'] },
  );
}

/**
 * Sets the password through a reset link. The link is spent by one conditional UPDATE, so two
 * submits of the same link cannot both succeed; the other links of the account die with it.
 */
export async function completePasswordReset(
  em: EntityManager,
  token: string,
  password: string,
  confirmation: string,
  now = new Date(),
): Promise<Organiser | null> {
  const reset = await findPasswordReset(em, token, now);
  if (!reset) return null;
  checkNewPassword(password, confirmation);
  const spent = await em.nativeUpdate(PasswordReset, { id: reset.id, usedAt: null }, { usedAt: now });
  if (spent !== 1) return null;
  await em.nativeUpdate(PasswordReset, { organiser: reset.organiser, usedAt: null }, { usedAt: now });
  await setPassword(em, reset.organiser, password, now);
  return reset.organiser;
}

/** An account for someone added to a team who has none yet: no usable password until they follow the invitation. */
export async function createInvitedOrganiser(em: EntityManager, email: string, name: string): Promise<Organiser> {
  const organiser = em.create(Organiser, {
    email,
    name: name || email.split('@')[0],
    passwordHash: await hashPassword(randomBytes(32).toString('base64url')),
    passwordChangedAt: null,
    createdAt: new Date(),
  });
  await em.flush();
  return organiser;
}

export async function tokensOf(em: EntityManager, organiser: Organiser): Promise<ApiToken[]> {
  return em.find(ApiToken, { organiser }, { orderBy: { createdAt: 'desc', id: 'desc' } });
}

/** Revokes one of the organiser's own tokens; false when it is not theirs (or does not exist). */
export async function revokeToken(
  em: EntityManager,
  organiser: Organiser,
  tokenId: number,
  now = new Date(),
): Promise<boolean> {
  if (!Number.isSafeInteger(tokenId)) return false;
  const changed = await em.nativeUpdate(ApiToken, { id: tokenId, organiser, revokedAt: null }, { revokedAt: now });
  // Refused from the next request on (on another instance, within the memo's TTL).
  forgetTokens(em);
  return changed === 1 || (await em.count(ApiToken, { id: tokenId, organiser })) === 1;
}
