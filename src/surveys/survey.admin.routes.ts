import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config.js';
import type { AppError } from '../errors.js';
import type { Event } from '../events/event.entity.js';
import { findEvent } from '../events/event.service.js';
import { organiserPages } from '../organisers/guards.js';
import { IdParams } from '../shared/api-schemas.js';
import { FormBodySchema, formText } from '../shared/form-body.js';
import { saveOrReshow } from '../shared/page-door.js';
import { onEvent } from '../shared/route-policy.js';
import { type SurveyAudience, sendSurvey, setAnonymous, surveyState } from './survey.service.js';

const params = IdParams;
const body = FormBodySchema;
const organiser = onEvent('organiser');

/** The survey's page: its questions (built on the builder's survey pages), anonymous or not, and sending. */
export default async function surveyAdminRoutes(fastify: FastifyInstance, opts: { config: Config }) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  organiserPages(app);

  async function surveyPage(
    request: FastifyRequest,
    reply: FastifyReply,
    event: Event,
    refused?: AppError,
    to: SurveyAudience = 'present',
  ) {
    const state = await surveyState(request.em, event);
    const errors = refused ? [{ field: refused.details[0]?.field ?? 'survey', code: refused.code }] : [];
    return reply.page(
      'admin/survey',
      {
        event,
        state,
        to,
        errors,
        labelFor: () => request.t('survey.admin.title'),
        anchorFor: () => 'main',
      },
      refused?.statusCode ?? 200,
    );
  }

  app.get('/admin/events/:id/survey', { config: organiser, schema: { params } }, async (request, reply) =>
    surveyPage(request, reply, await findEvent(request.em, request.params.id)),
  );

  app.post(
    '/admin/events/:id/survey/anonymity',
    { config: organiser, schema: { params, body } },
    async (request, reply) => {
      const event = await findEvent(request.em, request.params.id);
      const anonymous = formText(request.body, 'anonymous') !== 'no';
      return saveOrReshow(
        reply,
        async () => {
          await setAnonymous(request.em, event, anonymous);
          return { url: `/admin/events/${event.id}/survey`, notice: 'surveyAnonymitySaved' };
        },
        (error) => surveyPage(request, reply, event, error),
      );
    },
  );

  app.post('/admin/events/:id/survey/send', { config: organiser, schema: { params, body } }, async (request, reply) => {
    const event = await findEvent(request.em, request.params.id);
    const to: SurveyAudience = formText(request.body, 'to') === 'confirmed' ? 'confirmed' : 'present';
    return saveOrReshow(
      reply,
      async () => {
        const { queued } = await sendSurvey(request.em, event, to, app.mail.settings, opts.config.sessionKey);
        return {
          url: `/admin/events/${event.id}/survey`,
          notice: { key: 'surveySent', params: { count: queued } },
        };
      },
      (error) => surveyPage(request, reply, event, error, to),
    );
  });
}
