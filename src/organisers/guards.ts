import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';
import { SESSION_LIFETIME_SECONDS } from '../plugins/security.js';
import { Organiser } from './organiser.entity.js';
import { organiserForToken } from './organiser.service.js';

/**
 * The signed-in organiser of this browser session, or null once the session's hard lifetime is
 * over or the password was changed since (which signs out every other browser).
 */
export async function sessionOrganiser(request: FastifyRequest): Promise<Organiser | null> {
  const id = request.session.get('organiserId');
  const signedInAt = request.session.get('signedInAt');
  if (!id || !signedInAt || Date.now() - signedInAt > SESSION_LIFETIME_SECONDS * 1000) return null;
  const organiser = await request.em.findOne(Organiser, { id });
  if (!organiser) return null;
  if (organiser.passwordChangedAt && signedInAt < organiser.passwordChangedAt.getTime()) return null;
  // Logged out (or password changed) since this session began: a copy of its cookie is worth nothing.
  if ((request.session.get('sessionGeneration') ?? 0) !== organiser.sessionGeneration) return null;
  return organiser;
}

/** Signs this browser in as the organiser, in the account's current session generation. */
export function startSession(request: FastifyRequest, organiser: Organiser, at = Date.now()): void {
  request.session.set('organiserId', organiser.id);
  request.session.set('signedInAt', at);
  request.session.set('sessionGeneration', organiser.sessionGeneration);
}

/** Ends every session of the account, this one and any copy of its cookie included. */
export async function endSessions(request: FastifyRequest): Promise<void> {
  const organiser = await sessionOrganiser(request);
  if (organiser) {
    organiser.sessionGeneration += 1;
    await request.em.flush();
  }
  request.session.delete();
}

/**
 * onRequest hook of organiser pages: sends people who are not signed in to the login page, then
 * checks the organiser's role on the event the page is about (403 for someone else's event).
 */
export async function requireOrganiser(request: FastifyRequest, reply: FastifyReply) {
  request.organiser = await sessionOrganiser(request);
  if (!request.organiser) {
    const next = encodeURIComponent(request.url);
    return reply.redirect(`/admin/login?next=${next}`, 303);
  }
  await request.server.authorizeEventRoute(request);
}

/** onRequest hook of the API: `Authorization: Bearer <token>` (organiser's account page or the CLI), then the event role. */
export async function requireApiToken(request: FastifyRequest) {
  const header = request.headers.authorization ?? '';
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  const organiser = match ? await organiserForToken(request.em, match[1]) : null;
  if (!organiser) throw new AppError('unauthorised');
  request.organiser = organiser;
  await request.server.authorizeEventRoute(request);
}

/**
 * The hooks of every organiser page: signed in and allowed on the event (onRequest, before the
 * body is even read), then a valid CSRF token on every form posted.
 */
export function organiserPages(app: FastifyInstance): void {
  app.addHook('onRequest', requireOrganiser);
  app.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.method === 'POST')
      await new Promise<void>((resolve, reject) =>
        app.csrfProtection(request, reply, (err?: Error) => (err ? reject(err) : resolve())),
      );
  });
}
