import type { EntityManager } from '@mikro-orm/core';
import type { Event } from '../events/event.entity.js';
import { registrationWindow } from '../events/event.service.js';
import { ensureSessions, loadDefinition } from '../forms/form.service.js';
import { validateRegistration } from '../forms/registration-form.js';
import { type FormNonce, NONCE_FIELD, type SpamReason, readFormNonce, spamReason } from './form-nonce.js';

export interface Verdict {
  nonce: FormNonce | null;
  /** Looks like a robot (honeypot, too fast, no nonce of ours). */
  spam: SpamReason | null;
  /** Refuse at once with the generic page: a robot's submission that would otherwise be stored. */
  refuse: boolean;
}

/**
 * Judges a public form submission. A suspicious one with mistakes in its answers, or sent while
 * registration is not open, goes the usual way (the form shown again with its errors, or the
 * window's message): nothing is stored either way, and people who pasted fast get told what to fix.
 */
export async function judgeSubmission(em: EntityManager, event: Event, values: Record<string, unknown>, sessionKey: Buffer, minFillSeconds: number): Promise<Verdict> {
  const nonce = readFormNonce(sessionKey, event.id, values[NONCE_FIELD]);
  const spam = spamReason(nonce, values, minFillSeconds);
  if (!spam || registrationWindow(event) !== 'open') return { nonce, spam, refuse: false };
  await ensureSessions(event);
  const { errors } = validateRegistration(await loadDefinition(em, event), event, values);
  return { nonce, spam, refuse: errors.length === 0 };
}
