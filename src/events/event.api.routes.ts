import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.js';
import { onEvent, signedIn } from '../shared/route-policy.js';
import { requireApiToken } from '../organisers/guards.js';
import { IdParams, errorResponses } from '../shared/api-schemas.js';
import { EventCreateBody, EventPatchBody, eventInputFromBody, eventJson } from './event.schemas.js';
import type { EventInput } from './event-rules.js';
import type { EventRouteDeps } from './event-routes.deps.js';
import { findEvent, listEvents, updateEvent } from './event.service.js';

export default async function eventApiRoutes(fastify: FastifyInstance, opts: EventRouteDeps & { config: Config }) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.addHook('onRequest', requireApiToken);
  const json = (event: Parameters<typeof eventJson>[0]) => eventJson(event, opts.config.publicUrl);
  const tags = ['events'];
  const security = [{ bearer: [] }];

  app.post(
    '/api/v1/events',
    {
      config: signedIn(),
      schema: {
        tags,
        security,
        summary: 'Create an event with its programme',
        body: EventCreateBody,
        response: { 201: Type.Ref('Event'), ...errorResponses },
      },
    },
    async (request, reply) => {
      const input = eventInputFromBody(request.body) as unknown as EventInput;
      const event = await opts.createOwnedEvent(request.em, input, request.organiser!);
      return reply.code(201).send(json(event));
    },
  );

  app.get(
    '/api/v1/events',
    {
      config: signedIn(),
      schema: {
        tags,
        security,
        summary: "List the events the token's organiser is on the team of",
        response: {
          200: Type.Object({ items: Type.Array(Type.Ref('Event')), total: Type.Integer() }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const events = await listEvents(request.em, {
        ids: await opts.memberEventIds(request.em, request.organiser!.id),
      });
      return { items: events.map(json), total: events.length };
    },
  );

  app.get(
    '/api/v1/events/:id',
    {
      config: onEvent('viewer'),
      schema: {
        tags,
        security,
        summary: 'One event',
        params: IdParams,
        response: { 200: Type.Ref('Event'), ...errorResponses },
      },
    },
    // Read at most once a second, and again at once after this process changes the event, its
    // programme, its form or its seats (registrations/event-cache.ts).
    async (request) => json(await opts.eventForApi(request.params.id)),
  );

  app.patch(
    '/api/v1/events/:id',
    {
      config: onEvent('organiser'),
      schema: {
        tags,
        security,
        params: IdParams,
        body: EventPatchBody,
        response: { 200: Type.Ref('Event'), ...errorResponses },
        querystring: Type.Object({
          notify: Type.Boolean({
            default: true,
            description:
              'Email a calendar update to the confirmed attendees a change of time or place concerns; false to change silently',
          }),
        }),
        summary: 'Change an event; `sessions`, when given, is the whole programme (with ids to keep, without to add)',
      },
    },
    async (request) => {
      const event = await findEvent(request.em, request.params.id);
      const options = { announce: opts.announceChanges, notify: request.query.notify };
      return json(
        await updateEvent(request.em, event, eventInputFromBody(request.body) as Partial<EventInput>, options),
      );
    },
  );
}
