import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ValidationError, notFound } from '../errors.js';
import { changePassword, revokeToken, tokensOf } from './account.service.js';
import { organiserPages, startSession } from './guards.js';
import { createApiToken } from './organiser.service.js';
import { singleLineProblem } from '../shared/text.js';

type Body = Record<string, string | undefined>;

/** An organiser's own account: password, and the API tokens other systems use on their behalf. */
export default async function accountAdminRoutes(app: FastifyInstance) {
  organiserPages(app);

  const accountPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    extra: Record<string, unknown> = {},
    status = 200,
  ) =>
    reply.page(
      'admin/account',
      { tokens: await tokensOf(request.em, request.organiser!), values: {}, newToken: null, ...extra },
      status,
    );

  app.get<{ Querystring: { saved?: string; revoked?: string } }>('/admin/account', async (request, reply) =>
    accountPage(request, reply, { saved: request.query.saved === '1', revoked: request.query.revoked === '1' }),
  );

  app.post<{ Body: Body }>('/admin/account/password', async (request, reply) => {
    const { currentPassword = '', password = '', passwordConfirmation = '' } = request.body ?? {};
    try {
      const now = new Date();
      await changePassword(request.em, request.organiser!, currentPassword, password, passwordConfirmation, now);
      // This browser stays signed in; every other session of the account ends.
      startSession(request, request.organiser!, now.getTime());
      return reply.redirect('/admin/account?saved=1', 303);
    } catch (error) {
      if (error instanceof ValidationError) return accountPage(request, reply, { errors: error.details }, 400);
      throw error;
    }
  });

  app.post<{ Body: Body }>('/admin/account/tokens', async (request, reply) => {
    const label = (request.body?.label ?? '').trim().slice(0, 200);
    if (!label) return accountPage(request, reply, { errors: [{ field: 'label', code: 'required' }] }, 400);
    const labelProblem = singleLineProblem(label);
    if (labelProblem) return accountPage(request, reply, { errors: [{ field: 'label', code: labelProblem }] }, 400);
    const token = await createApiToken(request.em, request.organiser!.email, label);
    // Shown this once: only its hash is kept.
    return accountPage(request, reply, { newToken: { label, token } });
  });

  app.post<{ Params: { tokenId: string } }>('/admin/account/tokens/:tokenId/revoke', async (request, reply) => {
    if (!(await revokeToken(request.em, request.organiser!, Number(request.params.tokenId)))) throw notFound();
    return reply.redirect('/admin/account?revoked=1', 303);
  });
}
