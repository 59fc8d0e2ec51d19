import type { FastifyInstance } from 'fastify';
import { setUpFirstOrganiser, setupOpen } from '../access/setup.service.js';
import { ValidationError } from '../errors.js';
import { authenticate } from './organiser.service.js';
import { sessionOrganiser } from './guards.js';
import { clearLoginFailures, loginRetryAfter, recordLoginFailure } from './login-throttle.js';

type Body = Record<string, string | undefined>;

/** Only a local path may follow login, never another site. */
function safeNext(next: unknown): string {
  return typeof next === 'string' && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\')
    ? next
    : '/admin';
}

export default async function authRoutes(app: FastifyInstance) {
  app.get('/setup', async (request, reply) => {
    if (!(await setupOpen(request.em))) return reply.redirect('/admin/login', 303);
    return reply.page('admin/setup', { values: {} });
  });

  app.post<{ Body: Body }>('/setup', { preHandler: app.csrfProtection }, async (request, reply) => {
    const { email = '', name = '', password = '', passwordConfirmation = '' } = request.body ?? {};
    try {
      const organiser = await setUpFirstOrganiser(request.em, { email, name, password, passwordConfirmation });
      if (!organiser) return reply.redirect('/admin/login', 303);
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
    if (await setupOpen(request.em)) return reply.redirect('/setup', 303);
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
