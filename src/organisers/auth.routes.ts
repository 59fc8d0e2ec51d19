import type { FastifyInstance } from 'fastify';
import type { EntityManager } from '@mikro-orm/core';
import { ValidationError } from '../errors.js';
import type { Organiser } from './organiser.entity.js';
import { authenticate, countOrganisers, createOrganiser } from './organiser.service.js';
import { sessionOrganiser } from './guards.js';
import { clearLoginFailures, loginRetryAfter, recordLoginFailure } from './login-throttle.js';

type Body = Record<string, string | undefined>;

/** Only a local path may follow login, never another site. */
function safeNext(next: unknown): string {
  return typeof next === 'string' && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\')
    ? next
    : '/admin';
}

export interface AuthRouteDeps {
  /** After the first organiser of an install signed up (the access floor gives them what has no owner). */
  onFirstOrganiser(em: EntityManager, organiser: Organiser): Promise<void>;
}

export default async function authRoutes(app: FastifyInstance, deps: AuthRouteDeps) {
  app.get('/setup', async (request, reply) => {
    if ((await countOrganisers(request.em)) > 0) return reply.redirect('/admin/login', 303);
    return reply.page('admin/setup', { values: {} });
  });

  app.post<{ Body: Body }>('/setup', { preHandler: app.csrfProtection }, async (request, reply) => {
    if ((await countOrganisers(request.em)) > 0) return reply.redirect('/admin/login', 303);
    const { email = '', name = '', password = '', passwordConfirmation = '' } = request.body ?? {};
    try {
      if (password !== passwordConfirmation)
        throw new ValidationError([{ field: 'passwordConfirmation', code: 'password_mismatch' }]);
      const organiser = await createOrganiser(request.em, { email, name, password });
      // The first organiser of an install owns what is already there (the demo event, say).
      await deps.onFirstOrganiser(request.em, organiser);
      request.session.set('organiserId', organiser.id);
      request.session.set('signedInAt', Date.now());
      return reply.redirect('/admin', 303);
    } catch (error) {
      if (error instanceof ValidationError)
        return reply.page('admin/setup', { values: { email, name }, errors: error.details }, 400);
      throw error;
    }
  });

  app.get<{ Querystring: { next?: string } }>('/admin/login', async (request, reply) => {
    if ((await countOrganisers(request.em)) === 0) return reply.redirect('/setup', 303);
    if (await sessionOrganiser(request)) return reply.redirect(safeNext(request.query.next), 303);
    return reply.page('admin/login', { values: {}, next: safeNext(request.query.next) });
  });

  app.post<{ Body: Body }>('/admin/login', { preHandler: app.csrfProtection }, async (request, reply) => {
    const { email = '', password = '', next } = request.body ?? {};
    const retryAfter = await loginRetryAfter(request.em, email, request.ip);
    if (retryAfter > 0) {
      const minutes = Math.ceil(retryAfter / 60);
      return reply
        .header('Retry-After', String(retryAfter))
        .page('admin/login', { values: { email }, next: safeNext(next), throttled: minutes }, 429);
    }
    const organiser = await authenticate(request.em, email, password);
    if (!organiser) {
      await recordLoginFailure(request.em, email, request.ip);
      return reply.page('admin/login', { values: { email }, next: safeNext(next), failed: true }, 401);
    }
    await clearLoginFailures(request.em, email);
    request.session.regenerate?.();
    request.session.set('organiserId', organiser.id);
    request.session.set('signedInAt', Date.now());
    return reply.redirect(safeNext(next), 303);
  });

  app.post('/admin/logout', { preHandler: app.csrfProtection }, async (request, reply) => {
    request.session.delete();
    return reply.redirect('/', 303);
  });
}
