import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';
import { SESSION_LIFETIME_SECONDS } from '../plugins/security.js';
import { Organiser } from './organiser.entity.js';
import { organiserForToken } from './organiser.service.js';

/** The signed-in organiser of this browser session, or null once the session's hard lifetime is over. */
export async function sessionOrganiser(request: FastifyRequest): Promise<Organiser | null> {
  const id = request.session.get('organiserId');
  const signedInAt = request.session.get('signedInAt');
  if (!id || !signedInAt || Date.now() - signedInAt > SESSION_LIFETIME_SECONDS * 1000) return null;
  return request.em.findOne(Organiser, { id });
}

/** preHandler for organiser pages: sends people who are not signed in to the login page. */
export async function requireOrganiser(request: FastifyRequest, reply: FastifyReply) {
  request.organiser = await sessionOrganiser(request);
  if (!request.organiser) {
    const next = encodeURIComponent(request.url);
    return reply.redirect(`/admin/login?next=${next}`, 303);
  }
}

/** preHandler for the API: `Authorization: Bearer <token>` from `npm run cli -- create-token`. */
export async function requireApiToken(request: FastifyRequest) {
  const header = request.headers.authorization ?? '';
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  const organiser = match ? await organiserForToken(request.em, match[1]) : null;
  if (!organiser) throw new AppError(401, 'unauthorised');
  request.organiser = organiser;
}
