import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { Config } from '../config.js';
import { AppError, type FieldError, ValidationError, notFound } from '../errors.js';
import { formView } from '../forms/render.js';
import { FormBodySchema } from '../shared/form-body.js';
import { publicRoute } from '../shared/route-policy.js';
import { readSurveyToken } from './survey-token.js';
import { answerSurvey, findInvitation, isAnonymous, loadSurvey } from './survey.service.js';

const TokenParams = Type.Object({ token: Type.String({ maxLength: 100 }) });

/** The survey through its personal link (/s/<token>): answered once, then a thank-you. */
export default async function surveyPublicRoutes(fastify: FastifyInstance, opts: { config: Config }) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  const invitationOf = async (request: FastifyRequest, token: string) => {
    const id = readSurveyToken(opts.config.sessionKey, token);
    if (id === null) throw notFound();
    return findInvitation(request.em, id);
  };

  async function page(
    request: FastifyRequest,
    reply: FastifyReply,
    token: string,
    values: Record<string, unknown> = {},
    errors: FieldError[] = [],
    status = 200,
  ) {
    const invitation = await invitationOf(request, token);
    const event = invitation.event;
    const data = {
      event,
      token,
      anonymous: await isAnonymous(request.em, event.id),
      answered: invitation.answered,
    };
    if (invitation.answered) return reply.page('public/survey', data, status);
    const form = formView(await loadSurvey(request.em, event, request.t), values, errors, request.t);
    return reply.page('public/survey', { ...data, form, errors }, status);
  }

  app.get('/s/:token', { config: publicRoute(), schema: { params: TokenParams } }, async (request, reply) =>
    page(request, reply, request.params.token),
  );

  app.post(
    '/s/:token',
    { config: publicRoute(), schema: { params: TokenParams, body: FormBodySchema }, preHandler: app.csrfProtection },
    async (request, reply) => {
      const invitation = await invitationOf(request, request.params.token);
      const values = request.body ?? {};
      try {
        await answerSurvey(request.em, invitation.id, values, request.t);
        return reply.redirect(`/s/${request.params.token}`, 303);
      } catch (error) {
        // Answered already (another tab, the back button): the thank-you again, nothing stored.
        if (error instanceof AppError && error.code === 'survey_answered') {
          await request.em.refresh(invitation);
          return page(request, reply, request.params.token, {}, [], error.statusCode);
        }
        if (!(error instanceof ValidationError)) throw error;
        return page(request, reply, request.params.token, values, error.details, 400);
      }
    },
  );
}
