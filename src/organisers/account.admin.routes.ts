import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { signedIn } from '../shared/route-policy.js';
import { notFound } from '../errors.js';
import { RowId } from '../shared/api-schemas.js';
import { FormBodySchema, formRawText, formText } from '../shared/form-body.js';
import { redirectWithNotice, saveOrReshow } from '../shared/page-door.js';
import { changePassword, revokeToken, tokensOf } from './account.service.js';
import { organiserPages, startSession } from './guards.js';
import { createApiToken } from './organiser.service.js';
import { singleLineProblem } from '../shared/text.js';

const body = FormBodySchema;
const TokenParams = Type.Object({ tokenId: RowId });

/** An organiser's own account: password, and the API tokens other systems use on their behalf. */
export default async function accountAdminRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
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

  app.get('/admin/account', { config: signedIn() }, async (request, reply) => {
    // A token just created is shown on this one page view, then only its hash remains.
    const newToken = request.session.get('newToken') ?? null;
    if (newToken) request.session.set('newToken', undefined);
    return accountPage(request, reply, { newToken });
  });

  app.post('/admin/account/password', { config: signedIn(), schema: { body } }, async (request, reply) => {
    // Passwords as typed: spaces are part of them.
    const currentPassword = formRawText(request.body, 'currentPassword');
    const password = formRawText(request.body, 'password');
    const passwordConfirmation = formRawText(request.body, 'passwordConfirmation');
    return saveOrReshow(
      reply,
      async () => {
        const now = new Date();
        await changePassword(request.em, request.organiser!, currentPassword, password, passwordConfirmation, now);
        // This browser stays signed in; every other session of the account ends.
        startSession(request, request.organiser!, now.getTime());
        return { url: '/admin/account', notice: 'passwordChanged' };
      },
      (error) => accountPage(request, reply, { errors: error.details }, 400),
    );
  });

  app.post('/admin/account/tokens', { config: signedIn(), schema: { body } }, async (request, reply) => {
    const label = formText(request.body, 'label').slice(0, 200);
    if (!label) return accountPage(request, reply, { errors: [{ field: 'label', code: 'required' }] }, 400);
    const labelProblem = singleLineProblem(label);
    if (labelProblem) return accountPage(request, reply, { errors: [{ field: 'label', code: labelProblem }] }, 400);
    const token = await createApiToken(request.em, request.organiser!.email, label);
    // Post/redirect/get: reloading the page shows the token, and does not create a second one.
    request.session.set('newToken', { label, token });
    return redirectWithNotice(reply, '/admin/account', 'tokenCreated');
  });

  app.post(
    '/admin/account/tokens/:tokenId/revoke',
    { config: signedIn(), schema: { params: TokenParams, body } },
    async (request, reply) => {
      if (!(await revokeToken(request.em, request.organiser!, request.params.tokenId))) throw notFound();
      return redirectWithNotice(reply, '/admin/account', 'tokenRevoked');
    },
  );
}
