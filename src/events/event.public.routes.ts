import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { publicRoute } from '../shared/route-policy.js';
import type { Config } from '../config.js';
import { buildCalendar } from '../calendar/ics.js';
import { notFound } from '../errors.js';
import { eventHead } from './event-meta.js';
import { breakouts, plenaries, registrationWindow } from './event-rules.js';
import { findEventBySlug, listEvents } from './event.service.js';
import type { Event } from './event.entity.js';

/** A published or closed event; drafts are not public. */
export async function publicEvent(
  request: { em: import('@mikro-orm/core').EntityManager },
  slug: string,
): Promise<Event> {
  const event = await findEventBySlug(request.em, slug);
  if (!event || event.status === 'draft') throw notFound();
  return event;
}

export function calendarFileName(event: Event): string {
  return `${event.slug}.ics`;
}

/** The agenda's address for calendar subscription: webcal:// makes calendar apps subscribe rather than import once. */
export function webcalUrl(publicUrl: string): string {
  return `${publicUrl.replace(/^https?:\/\//, 'webcal://')}/agenda.ics`;
}

const params = Type.Object({ slug: Type.String({ maxLength: 200 }) });

export default async function eventPublicRoutes(fastify: FastifyInstance, opts: { config: Config }) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const config = publicRoute();

  app.get('/', { config }, async (request, reply) => {
    // Past events are left out; the next one comes first.
    const now = new Date();
    const events = (await listEvents(request.em, { status: 'published' }))
      .filter((e) => e.endsAt > now)
      .sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime() || a.id - b.id);
    return reply.page('public/home', { events, needsSetup: false, webcalUrl: webcalUrl(opts.config.publicUrl) });
  });

  app.get('/e/:slug', { config, schema: { params } }, async (request, reply) => {
    const event = await publicEvent(request, request.params.slug);
    return reply.page('public/event', {
      event,
      plenaries: plenaries(event),
      breakouts: breakouts(event),
      window: registrationWindow(event),
      head: eventHead(event, opts.config.publicUrl, request.locale),
    });
  });

  app.get('/e/:slug/event.ics', { config, schema: { params } }, async (request, reply) => {
    const event = await publicEvent(request, request.params.slug);
    return reply
      .type('text/calendar; charset=utf-8')
      .header('Content-Disposition', `attachment; filename="${calendarFileName(event)}"`)
      .send(buildCalendar(event, { publicUrl: opts.config.publicUrl }));
  });
}
