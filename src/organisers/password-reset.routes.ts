import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { publicRoute } from '../shared/route-policy.js';
import { ValidationError } from '../errors.js';
import type { EntityManager } from '@mikro-orm/core';
import { completePasswordReset, findPasswordReset } from './account.service.js';
import { redirectWithNotice } from '../shared/page-door.js';
import { startSession } from './guards.js';

const text = () => Type.Optional(Type.String({ maxLength: 2000 }));
// The fields the handlers read, as text; other names (the CSRF token) as in FormBodySchema.
const others = { additionalProperties: Type.Union([Type.String(), Type.Array(Type.String())]) };
const params = Type.Object({ token: Type.String({ maxLength: 200 }) });

export interface PasswordResetDeps {
  /** Queues the reset email, the same work whether or not the address has an account (mail/account-mail.ts). */
  requestPasswordReset(
    em: EntityManager,
    email: string,
    settings: FastifyInstance['mail']['settings'],
    locale: string,
  ): Promise<unknown>;
}

/** "Forgotten password": a single-use link by email, valid for an hour. */
export default async function passwordResetRoutes(
  fastify: FastifyInstance,
  { requestPasswordReset }: PasswordResetDeps,
) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const config = publicRoute();
  const csrf = { preHandler: app.csrfProtection };
  // Each request may send an email: limited as login is, so it cannot be used to flood an inbox.
  const ask = {
    config: publicRoute({ rateLimit: 'login' }),
    schema: { body: Type.Object({ email: text() }, others) },
    ...csrf,
  };
  const choose = {
    config,
    schema: { params, body: Type.Object({ password: text(), passwordConfirmation: text() }, others) },
    ...csrf,
  };

  app.get('/admin/password-reset', { config }, async (_request, reply) =>
    reply.page('admin/password-reset-request', { values: {}, sent: false }),
  );

  app.post('/admin/password-reset', ask, async (request, reply) => {
    const email = (request.body?.email ?? '').trim().toLowerCase();
    // Queues one email in the outbox whatever the address (see requestPasswordReset): no SMTP here.
    await requestPasswordReset(request.em, email, app.mail.settings, request.locale);
    // The same answer whether or not the account exists: the page does not tell who has one.
    return reply.page('admin/password-reset-request', { values: { email }, sent: true });
  });

  app.get('/admin/password-reset/:token', { config, schema: { params } }, async (request, reply) => {
    const reset = await findPasswordReset(request.em, request.params.token);
    if (!reset) return reply.page('admin/password-reset', { invalid: true }, 404);
    return reply.page('admin/password-reset', { invalid: false, email: reset.organiser.email });
  });

  app.post('/admin/password-reset/:token', choose, async (request, reply) => {
    const { password = '', passwordConfirmation = '' } = request.body ?? {};
    try {
      const organiser = await completePasswordReset(request.em, request.params.token, password, passwordConfirmation);
      if (!organiser) return reply.page('admin/password-reset', { invalid: true }, 404);
      request.session.regenerate?.();
      startSession(request, organiser);
      return redirectWithNotice(reply, '/admin', 'passwordReset');
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      const reset = await findPasswordReset(request.em, request.params.token);
      return reply.page(
        'admin/password-reset',
        { invalid: !reset, email: reset?.organiser.email, errors: error.details },
        400,
      );
    }
  });
}
