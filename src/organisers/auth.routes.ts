import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { adoptOwnerlessEvents } from '../access/access.service.js';
import { publicRoute } from '../access/route-policy.js';
import { ValidationError } from '../errors.js';
import { authenticate, countOrganisers, createOrganiser } from './organiser.service.js';
import { sessionOrganiser } from './guards.js';
import { clearLoginFailures, loginRetryAfter, recordLoginFailure } from './login-throttle.js';

const text = () => Type.Optional(Type.String({ maxLength: 2000 }));
// The fields the handlers read, as text; other names (the CSRF token) as in FormBodySchema.
const others = { additionalProperties: Type.Union([Type.String(), Type.Array(Type.String())]) };
const SetupBody = Type.Object({ email: text(), name: text(), password: text(), passwordConfirmation: text() }, others);
const LoginBody = Type.Object({ email: text(), password: text(), next: text() }, others);
const LoginQuery = Type.Object({ next: text() });

/** Only a local path may follow login, never another site. */
function safeNext(next: unknown): string {
  return typeof next === 'string' && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\')
    ? next
    : '/admin';
}

export default async function authRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const csrf = { preHandler: app.csrfProtection };
  const setup = { config: publicRoute(), schema: { body: SetupBody }, ...csrf };
  const login = { config: publicRoute({ rateLimit: 'login' }), schema: { body: LoginBody }, ...csrf };

  app.get('/setup', { config: publicRoute() }, async (request, reply) => {
    if ((await countOrganisers(request.em)) > 0) return reply.redirect('/admin/login', 303);
    return reply.page('admin/setup', { values: {} });
  });

  app.post('/setup', setup, async (request, reply) => {
    if ((await countOrganisers(request.em)) > 0) return reply.redirect('/admin/login', 303);
    const { email = '', name = '', password = '', passwordConfirmation = '' } = request.body ?? {};
    try {
      if (password !== passwordConfirmation)
        throw new ValidationError([{ field: 'passwordConfirmation', code: 'password_mismatch' }]);
      const organiser = await createOrganiser(request.em, { email, name, password });
      // The first organiser of an install owns what is already there (the demo event, say).
      await adoptOwnerlessEvents(request.em, [organiser.id]);
      request.session.set('organiserId', organiser.id);
      request.session.set('signedInAt', Date.now());
      return reply.redirect('/admin', 303);
    } catch (error) {
      if (error instanceof ValidationError)
        return reply.page('admin/setup', { values: { email, name }, errors: error.details }, 400);
      throw error;
    }
  });

  app.get('/admin/login', { config: publicRoute(), schema: { querystring: LoginQuery } }, async (request, reply) => {
    if ((await countOrganisers(request.em)) === 0) return reply.redirect('/setup', 303);
    if (await sessionOrganiser(request)) return reply.redirect(safeNext(request.query.next), 303);
    return reply.page('admin/login', { values: {}, next: safeNext(request.query.next) });
  });

  app.post('/admin/login', login, async (request, reply) => {
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

  app.post('/admin/logout', { config: publicRoute(), ...csrf }, async (request, reply) => {
    request.session.delete();
    return reply.redirect('/', 303);
  });
}
