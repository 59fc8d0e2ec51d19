import type { EntityManager } from '@mikro-orm/core';
import { LoginFailure } from './account.entity.js';

/** 5 wrong passwords for one account, or 20 from one address, within 15 minutes: sign-in waits. */
export const LOGIN_WINDOW_MS = 15 * 60 * 1000;
export const MAX_FAILURES_PER_ACCOUNT = 5;
export const MAX_FAILURES_PER_IP = 20;

const emailKeyOf = (email: string) => email.trim().toLowerCase().slice(0, 254);

/** Seconds until this account and address may try again, or 0 when they may now. */
export async function loginRetryAfter(em: EntityManager, email: string, ip: string, now = new Date()): Promise<number> {
  const since = new Date(now.getTime() - LOGIN_WINDOW_MS);
  const [byAccount, byIp] = await Promise.all([
    em.find(
      LoginFailure,
      { emailKey: emailKeyOf(email), createdAt: { $gt: since } },
      { orderBy: { createdAt: 'desc' }, limit: MAX_FAILURES_PER_ACCOUNT, fields: ['createdAt'] },
    ),
    em.find(
      LoginFailure,
      { ip, createdAt: { $gt: since } },
      { orderBy: { createdAt: 'desc' }, limit: MAX_FAILURES_PER_IP, fields: ['createdAt'] },
    ),
  ]);
  // Blocked until the oldest failure that counts leaves the window.
  const until = (rows: { createdAt: Date }[], max: number) =>
    rows.length >= max ? rows[max - 1].createdAt.getTime() + LOGIN_WINDOW_MS : 0;
  const wait = Math.max(until(byAccount, MAX_FAILURES_PER_ACCOUNT), until(byIp, MAX_FAILURES_PER_IP)) - now.getTime();
  return wait > 0 ? Math.ceil(wait / 1000) : 0;
}

export async function recordLoginFailure(
  em: EntityManager,
  email: string,
  ip: string,
  now = new Date(),
): Promise<void> {
  await em.nativeDelete(LoginFailure, { createdAt: { $lt: new Date(now.getTime() - LOGIN_WINDOW_MS) } });
  await em.insert(LoginFailure, { emailKey: emailKeyOf(email), ip: ip.slice(0, 64), createdAt: now });
}

/** A successful sign-in clears the account's failures (not the address's). */
export async function clearLoginFailures(em: EntityManager, email: string): Promise<void> {
  await em.nativeDelete(LoginFailure, { emailKey: emailKeyOf(email) });
}
