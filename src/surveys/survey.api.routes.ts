import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.js';
import { findEvent } from '../events/event.service.js';
import type { DefinitionInput } from '../forms/form-rules.js';
import { saveDefinition } from '../forms/form.service.js';
import { requireApiToken } from '../organisers/guards.js';
import { IdParams, errorResponses } from '../shared/api-schemas.js';
import { onEvent } from '../shared/route-policy.js';
import { surveyResults } from './survey-results.js';
import { ResultsResponse, SendBody, SendResponse, SurveySchema } from './survey.schemas.js';
import { isAnonymous, loadSurvey, sendSurvey, setAnonymous } from './survey.service.js';

export default async function surveyApiRoutes(fastify: FastifyInstance, opts: { config: Config }) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.addHook('onRequest', requireApiToken);
  const tags = ['surveys'];
  const security = [{ bearer: [] }];
  const params = IdParams;

  app.get(
    '/api/v1/events/:id/survey',
    {
      config: onEvent('viewer'),
      schema: { tags, security, params, response: { 200: SurveySchema, ...errorResponses }, summary: 'The survey' },
    },
    async (request) => {
      const event = await findEvent(request.em, request.params.id);
      const form = await loadSurvey(request.em, event);
      return { ...form.definition, anonymous: await isAnonymous(request.em, event.id) };
    },
  );

  app.put(
    '/api/v1/events/:id/survey',
    {
      config: onEvent('organiser'),
      schema: {
        tags,
        security,
        params,
        body: SurveySchema,
        response: { 200: SurveySchema, ...errorResponses },
        summary: 'Replace the survey: a form definition as for /form, checked like the builder pages',
      },
    },
    async (request) => {
      const event = await findEvent(request.em, request.params.id);
      const { anonymous, ...definition } = request.body;
      // The anonymity first: refused once sent, it must leave the questions untouched too.
      if (anonymous !== undefined && anonymous !== (await isAnonymous(request.em, event.id)))
        await setAnonymous(request.em, event, anonymous);
      const saved = await saveDefinition(request.em, event, definition as unknown as DefinitionInput, 'survey');
      return { ...saved, anonymous: await isAnonymous(request.em, event.id) };
    },
  );

  app.post(
    '/api/v1/events/:id/survey/send',
    {
      config: onEvent('organiser'),
      schema: {
        tags,
        security,
        params,
        body: SendBody,
        response: { 200: SendResponse, ...errorResponses },
        summary: 'Send the survey (after the event) to the people present or every confirmed, once per person',
      },
    },
    async (request) => {
      const event = await findEvent(request.em, request.params.id);
      return sendSurvey(request.em, event, request.body.to, app.mail.settings, opts.config.sessionKey);
    },
  );

  app.get(
    '/api/v1/events/:id/survey/results',
    {
      config: onEvent('viewer'),
      schema: {
        tags,
        security,
        params,
        response: { 200: ResultsResponse, ...errorResponses },
        summary: 'Answers counted per question (choices with percentages, text answers listed)',
      },
    },
    async (request) => {
      const event = await findEvent(request.em, request.params.id);
      return surveyResults(request.em, event);
    },
  );
}
