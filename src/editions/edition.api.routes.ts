import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { Config } from '../config.js';
import { eventJson } from '../events/event.schemas.js';
import { requireApiToken } from '../organisers/guards.js';
import { DateTime, IdParams, errorResponses } from '../shared/api-schemas.js';
import { onEvent } from '../shared/route-policy.js';
import { duplicateEvent } from './edition.service.js';

const DuplicateBody = Type.Object(
  {
    startsAt: {
      ...DateTime,
      description:
        "When the new edition starts; every session and the registration dates move by as much, on the event's wall clock",
    },
    slug: Type.Optional(
      Type.String({ maxLength: 80, description: 'Left out: the old slug with the new year, made unique' }),
    ),
    title: Type.Optional(Type.String({ maxLength: 200, description: 'Left out: the old title with the new year' })),
  },
  { additionalProperties: false },
);

export default async function editionApiRoutes(fastify: FastifyInstance, opts: { config: Config }) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.addHook('onRequest', requireApiToken);

  app.post(
    '/api/v1/events/:id/duplicate',
    {
      config: onEvent('organiser'),
      schema: {
        tags: ['events'],
        security: [{ bearer: [] }],
        summary:
          'Next edition: a draft copy with its programme moved to the new date, structure types, form, texts and team; no registrations, groups or emails',
        params: IdParams,
        body: DuplicateBody,
        response: { 201: Type.Ref('Event'), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { startsAt, slug, title } = request.body;
      const edition = await duplicateEvent(request.em, request.params.id, {
        startsAt: new Date(startsAt),
        slug,
        title,
      });
      return reply.code(201).send(eventJson(edition, opts.config.publicUrl));
    },
  );
}
