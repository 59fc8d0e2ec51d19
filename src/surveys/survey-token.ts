import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The personal survey link: `/s/<invitation id>.<signature>`. The signature (HMAC of the id with a
 * key derived from the service's session key) means nobody can reach another person's survey by
 * changing the number, and nothing secret is stored: the invitation row is the only state.
 */

const keys = new WeakMap<Buffer, Buffer>();
function surveyKey(sessionKey: Buffer): Buffer {
  let key = keys.get(sessionKey);
  if (!key) {
    key = createHash('sha256').update('atelier-survey-link\0').update(sessionKey).digest();
    keys.set(sessionKey, key);
  }
  return key;
}

const mac = (sessionKey: Buffer, id: number) =>
  createHmac('sha256', surveyKey(sessionKey)).update(`survey.${id}`).digest().subarray(0, 18);

export function surveyToken(sessionKey: Buffer, invitationId: number): string {
  return `${invitationId}.${mac(sessionKey, invitationId).toString('base64url')}`;
}

/** The invitation id of a token this service signed, else null. Short, fixed-form input only: no pattern runs on it. */
export function readSurveyToken(sessionKey: Buffer, token: string): number | null {
  if (token.length > 60) return null;
  const dot = token.indexOf('.');
  if (dot < 1) return null;
  const idText = token.slice(0, dot);
  const id = Number(idText);
  if (!Number.isSafeInteger(id) || id < 1 || String(id) !== idText) return null;
  const given = Buffer.from(token.slice(dot + 1), 'base64url');
  const expected = mac(sessionKey, id);
  return given.length === expected.length && timingSafeEqual(given, expected) ? id : null;
}
