import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { EntityManager } from '@mikro-orm/core';
import { Type } from 'typebox';
import { publicRoute } from '../shared/route-policy.js';
import { saveOrReshow } from '../shared/page-door.js';
import type { Organiser } from './organiser.entity.js';
import { authenticate } from './organiser.service.js';
import { endSessions, sessionOrganiser, startSession } from './guards.js';
import { clearLoginFailures, loginRetryAfter, recordLoginFailure } from './login-throttle.js';

const text = () => Type.Optional(Type.String({ maxLength: 2000 }));
// The fields the handlers read, as text; other names (the CSRF token) as in FormBodySchema.
const others = { additionalProperties: Type.Union([Type.String(), Type.Array(Type.String())]) };
const SetupBody = Type.Object({ email: text(), name: text(), password: text(), passwordConfirmation: text() }, others);
const LoginBody = Type.Object({ email: text(), password: text(), next: text() }, others);
const LoginQuery = Type.Object({ next: text() });

/**
 * Only a path of this site may follow login, never another site: `next` is resolved against the
 * public address, kept only when it stays on the same origin, and re-serialised (so tabs, line
 * breaks and non-ASCII characters, which browsers drop or encode, cannot smuggle anything through
 * nor break the Location header). Anything else goes to /admin.
 */
export function safeNext(next: unknown, publicUrl: string): string {
  if (typeof next !== 'string' || !next.startsWith('/')) return '/admin';
  try {
    const base = new URL(publicUrl);
    const url = new URL(next, base);
    if (url.origin !== base.origin) return '/admin';
    const path = url.pathname + url.search;
    // A pathname such as `//evil.example` (from `/.//evil.example`) would leave the site once sent.
    return path.startsWith('/') && !path.startsWith('//') && !path.includes('\\') ? path : '/admin';
  } catch {
    return '/admin';
  }
}

export interface AuthRouteDeps {
  /** Whether the install still waits for its first organiser (access/setup.service.ts). */
  setupOpen(em: EntityManager): Promise<boolean>;
  /** Creates the first organiser, who owns what has no owner yet; null once there is one. */
  setUpFirstOrganiser(
    em: EntityManager,
    input: { email: string; name: string; password: string; passwordConfirmation: string },
  ): Promise<Organiser | null>;
}

export default async function authRoutes(fastify: FastifyInstance, deps: AuthRouteDeps) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const next = (value: unknown) => safeNext(value, app.mail.settings.publicUrl);
  const csrf = { preHandler: app.csrfProtection };
  const setup = { config: publicRoute(), schema: { body: SetupBody }, ...csrf };
  const login = { config: publicRoute({ rateLimit: 'login' }), schema: { body: LoginBody }, ...csrf };

  app.get('/setup', { config: publicRoute() }, async (request, reply) => {
    if (!(await deps.setupOpen(request.em))) return reply.redirect('/admin/login', 303);
    return reply.page('admin/setup', { values: {} });
  });

  app.post('/setup', setup, async (request, reply) => {
    const { email = '', name = '', password = '', passwordConfirmation = '' } = request.body ?? {};
    return saveOrReshow(
      reply,
      async () => {
        const organiser = await deps.setUpFirstOrganiser(request.em, { email, name, password, passwordConfirmation });
        if (!organiser) return '/admin/login';
        startSession(request, organiser);
        return '/admin';
      },
      (error) => reply.page('admin/setup', { values: { email, name }, errors: error.details }, 400),
    );
  });

  app.get('/admin/login', { config: publicRoute(), schema: { querystring: LoginQuery } }, async (request, reply) => {
    if (await deps.setupOpen(request.em)) return reply.redirect('/setup', 303);
    if (await sessionOrganiser(request)) return reply.redirect(next(request.query.next), 303);
    return reply.page('admin/login', { values: {}, next: next(request.query.next) });
  });

  app.post('/admin/login', login, async (request, reply) => {
    const { email = '', password = '', next: nextPath } = request.body ?? {};
    const retryAfter = await loginRetryAfter(request.em, email, request.ip);
    if (retryAfter > 0) {
      const minutes = Math.ceil(retryAfter / 60);
      return reply
        .header('Retry-After', String(retryAfter))
        .page('admin/login', { values: { email }, next: next(nextPath), throttled: minutes }, 429);
    }
    const organiser = await authenticate(request.em, email, password);
    if (!organiser) {
      await recordLoginFailure(request.em, email, request.ip);
      return reply.page('admin/login', { values: { email }, next: next(nextPath), failed: true }, 401);
    }
    await clearLoginFailures(request.em, email);
    request.session.regenerate?.();
    startSession(request, organiser);
    return reply.redirect(next(nextPath), 303);
  });

  app.post('/admin/logout', { config: publicRoute(), ...csrf }, async (request, reply) => {
    // On the server too: the account's session generation moves on, so a copied cookie stops working.
    await endSessions(request);
    return reply.redirect('/', 303);
  });
}
