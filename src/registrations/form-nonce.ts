import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The public form's anti-spam and anti-double-submit guard. Each rendering of the form carries a
 * signed nonce (random id, event, render time): the id makes a second submit of the same form a
 * replay of the first outcome (src/registrations/idempotency.service.ts), the render time gives the
 * minimum fill time. A honeypot field that people never see must stay empty.
 */
export const NONCE_FIELD = '_form';
/** Underscore: never a form question key (KEY_PATTERN), so it cannot collide with an organiser's question. */
export const HONEYPOT_FIELD = 'website_url';

export interface FormNonce {
  id: string;
  issuedAt: number;
}

// Derived once per key: every public page view signs a nonce (see README, Performance).
const nonceKeys = new WeakMap<Buffer, Buffer>();
function nonceKey(sessionKey: Buffer): Buffer {
  let key = nonceKeys.get(sessionKey);
  if (!key) {
    key = createHash('sha256').update('atelier-form-nonce\0').update(sessionKey).digest();
    nonceKeys.set(sessionKey, key);
  }
  return key;
}

function mac(sessionKey: Buffer, eventId: number, id: string, issued: string): Buffer {
  return createHmac('sha256', nonceKey(sessionKey)).update(`${eventId}.${id}.${issued}`).digest().subarray(0, 16);
}

export function issueFormNonce(sessionKey: Buffer, eventId: number, now = Date.now()): string {
  const id = randomBytes(16).toString('base64url');
  const issued = now.toString(36);
  return `${id}.${issued}.${mac(sessionKey, eventId, id, issued).toString('base64url')}`;
}

/** The nonce's id and render time if it was signed by this service for this event, else null. */
export function readFormNonce(sessionKey: Buffer, eventId: number, value: unknown): FormNonce | null {
  if (typeof value !== 'string' || value.length > 100) return null;
  const [id, issued, signature, extra] = value.split('.');
  if (!id || !issued || !signature || extra !== undefined || !/^[0-9a-z]{1,12}$/.test(issued)) return null;
  const given = Buffer.from(signature, 'base64url');
  const expected = mac(sessionKey, eventId, id, issued);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  return { id, issuedAt: parseInt(issued, 36) };
}

export type SpamReason = 'nonce' | 'honeypot' | 'too_fast';

/** Why a public form submission looks like a robot's (null: it does not). */
export function spamReason(
  nonce: FormNonce | null,
  body: Record<string, unknown>,
  minFillSeconds: number,
  now = Date.now(),
): SpamReason | null {
  if (!nonce) return 'nonce';
  const trap = body[HONEYPOT_FIELD];
  if (trap !== undefined && String(trap).trim() !== '') return 'honeypot';
  if (now - nonce.issuedAt < minFillSeconds * 1000) return 'too_fast';
  return null;
}
