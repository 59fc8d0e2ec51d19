import type { FastifyInstance } from 'fastify';
import { ValidationError } from '../errors.js';
import { requestPasswordReset } from './account-mail.js';
import { completePasswordReset, findPasswordReset } from './account.service.js';
import { startSession } from './guards.js';

type Body = Record<string, string | undefined>;
type TokenParams = { token: string };

/** "Forgotten password": a single-use link by email, valid for an hour. */
export default async function passwordResetRoutes(app: FastifyInstance) {
  app.get('/admin/password-reset', async (_request, reply) =>
    reply.page('admin/password-reset-request', { values: {}, sent: false }),
  );

  app.post<{ Body: Body }>('/admin/password-reset', { preHandler: app.csrfProtection }, async (request, reply) => {
    const email = (request.body?.email ?? '').trim().toLowerCase();
    // Queues one email in the outbox whatever the address (see requestPasswordReset): no SMTP here.
    await requestPasswordReset(request.em, email, app.mail.settings, request.locale);
    // The same answer whether or not the account exists: the page does not tell who has one.
    return reply.page('admin/password-reset-request', { values: { email }, sent: true });
  });

  app.get<{ Params: TokenParams }>('/admin/password-reset/:token', async (request, reply) => {
    const reset = await findPasswordReset(request.em, request.params.token);
    if (!reset) return reply.page('admin/password-reset', { invalid: true }, 404);
    return reply.page('admin/password-reset', { invalid: false, email: reset.organiser.email });
  });

  app.post<{ Params: TokenParams; Body: Body }>(
    '/admin/password-reset/:token',
    { preHandler: app.csrfProtection },
    async (request, reply) => {
      const { password = '', passwordConfirmation = '' } = request.body ?? {};
      try {
        const organiser = await completePasswordReset(request.em, request.params.token, password, passwordConfirmation);
        if (!organiser) return reply.page('admin/password-reset', { invalid: true }, 404);
        request.session.regenerate?.();
        startSession(request, organiser);
        return reply.redirect('/admin', 303);
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        const reset = await findPasswordReset(request.em, request.params.token);
        return reply.page(
          'admin/password-reset',
          { invalid: !reset, email: reset?.organiser.email, errors: error.details },
          400,
        );
      }
    },
  );
}
