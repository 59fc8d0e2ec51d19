import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { buildAgendaCalendar } from '../calendar/ics.js';
import type { Config } from '../config.js';
import { Nullable, errorResponses } from '../shared/api-schemas.js';
import { publicRoute } from '../shared/route-policy.js';
import { agendaAtom, publicEventJson, upcomingEvents } from './feeds.js';

const PublicSession = Type.Object({
  title: Type.String(),
  topic: Type.String(),
  facilitator: Type.String(),
  room: Type.String(),
  startsAt: Type.String({ format: 'date-time' }),
  endsAt: Type.String({ format: 'date-time' }),
});

const PublicEvent = Type.Object({
  slug: Type.String(),
  title: Type.String(),
  description: Type.String(),
  venue: Type.String(),
  address: Type.String(),
  timezone: Type.String(),
  startsAt: Type.String({ format: 'date-time' }),
  endsAt: Type.String({ format: 'date-time' }),
  series: Nullable<string>({ type: 'string' }),
  organiserName: Type.String(),
  seatsLeft: Nullable<number>({ type: 'integer', description: 'Seats left; null when the event has no limit.' }),
  url: Type.String({ format: 'uri' }),
  programme: Type.Array(PublicSession, { description: 'The plenary sessions.' }),
});

const PublicQuery = Type.Object({
  series: Type.Optional(Type.String({ minLength: 1, maxLength: 80 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 50 })),
});

/** Public agenda feeds: calendar subscription, Atom, and an open JSON list for partners' sites. */
export default async function feedRoutes(fastify: FastifyInstance, opts: { config: Config }) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const config = publicRoute();
  const { publicUrl } = opts.config;

  app.get('/agenda.ics', { config }, async (request, reply) => {
    const events = await upcomingEvents(request.em);
    return reply
      .type('text/calendar; charset=utf-8')
      .header('Content-Disposition', 'inline; filename="agenda.ics"')
      .send(buildAgendaCalendar(events, publicUrl, request.t('home.title')));
  });

  app.get('/agenda.atom', { config }, async (request, reply) => {
    const events = await upcomingEvents(request.em);
    return reply
      .type('application/atom+xml; charset=utf-8')
      .send(agendaAtom(events, publicUrl, request.t('home.title'), request.locale));
  });

  app.get(
    '/api/v1/public/events',
    {
      config,
      schema: {
        tags: ['public'],
        summary: 'Upcoming published events (no token; open to any origin)',
        querystring: PublicQuery,
        response: { 200: Type.Object({ items: Type.Array(PublicEvent) }), ...errorResponses },
      },
    },
    async (request, reply) => {
      const events = await upcomingEvents(request.em, request.query);
      reply.header('Access-Control-Allow-Origin', '*');
      return { items: events.map((event) => publicEventJson(event, publicUrl)) };
    },
  );
}
