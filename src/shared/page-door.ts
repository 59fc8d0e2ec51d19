import type { FastifyReply } from 'fastify';
import { ValidationError } from '../errors.js';

/** A one-time notice shown at the top of the next page (post/redirect/get): a locale key under `notices.`. */
export interface Notice {
  key: string;
  params?: Record<string, string | number>;
}

/** Redirects after a successful change and leaves a notice that the next organiser page shows once. */
export function redirectWithNotice(reply: FastifyReply, url: string, notice: string | Notice): FastifyReply {
  reply.request.session.set('notice', typeof notice === 'string' ? { key: notice } : notice);
  return reply.redirect(url, 303);
}

/** Reads, and forgets, the notice left by the previous request. */
export function takeNotice(reply: FastifyReply): Notice | null {
  const session = reply.request.session;
  const notice = session?.get('notice');
  if (!notice) return null;
  session.set('notice', undefined);
  return notice;
}

/** A refusal the form can show next to its fields: validation errors, and conflicts such as a taken slug. */
function isReshowable(error: unknown): error is ValidationError {
  return error instanceof ValidationError || (error as { statusCode?: number } | null)?.statusCode === 409;
}

/**
 * Runs a save and redirects where it says, with its notice; on a refusal the form can show, re-shows
 * the form with the values kept and the messages. Anything else goes to the error handler.
 */
export async function saveOrReshow(
  reply: FastifyReply,
  save: () => Promise<string | { url: string; notice: string | Notice }>,
  reshow: (error: ValidationError) => Promise<FastifyReply> | FastifyReply,
): Promise<FastifyReply> {
  let outcome: Awaited<ReturnType<typeof save>>;
  try {
    outcome = await save();
  } catch (error) {
    if (isReshowable(error)) return reshow(error);
    throw error;
  }
  if (typeof outcome === 'string') return reply.redirect(outcome, 303);
  return redirectWithNotice(reply, outcome.url, outcome.notice);
}
