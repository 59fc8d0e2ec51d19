import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { onEvent } from '../shared/route-policy.js';
import { findEvent } from '../events/event.service.js';
import { requireApiToken } from '../organisers/guards.js';
import { IdParams, errorResponses } from '../shared/api-schemas.js';
import type { DefinitionInput } from './form-rules.js';
import { FormDefinitionSchema } from './form.schemas.js';
import { loadDefinition, saveDefinition } from './form.service.js';

export default async function formApiRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.addHook('onRequest', requireApiToken);
  const tags = ['forms'];
  const security = [{ bearer: [] }];

  app.get(
    '/api/v1/events/:id/form',
    {
      config: onEvent('viewer'),
      schema: {
        tags,
        security,
        params: IdParams,
        response: { 200: FormDefinitionSchema, ...errorResponses },
        summary: "The event's registration form definition",
      },
    },
    async (request) => {
      const event = await findEvent(request.em, request.params.id);
      return loadDefinition(request.em, event);
    },
  );

  app.put(
    '/api/v1/events/:id/form',
    {
      config: onEvent('organiser'),
      schema: {
        tags,
        security,
        params: IdParams,
        body: FormDefinitionSchema,
        response: { 200: FormDefinitionSchema, ...errorResponses },
        summary:
          'Replace the registration form; checked like the builder pages (conditions on earlier fields, options, unique keys, limits)',
      },
    },
    async (request) => {
      const event = await findEvent(request.em, request.params.id);
      return saveDefinition(request.em, event, request.body as unknown as DefinitionInput);
    },
  );
}
