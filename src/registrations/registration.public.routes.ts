import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.js';
import { buildCalendar } from '../calendar/ics.js';
import { publicEvent } from '../events/event.public.routes.js';
import { plenaries, registrationWindow } from '../events/event.service.js';
import { structureTypeLabel } from '../events/structure-types.js';
import { AppError, ValidationError } from '../errors.js';
import { cancel, findByToken, register } from './registration.service.js';

type SlugParams = { slug: string };
type TokenParams = { token: string };

export default async function registrationPublicRoutes(app: FastifyInstance, opts: { config: Config }) {
  app.get<{ Params: SlugParams }>('/e/:slug/register', async (request, reply) => {
    const event = await publicEvent(request, request.params.slug);
    return reply.page('public/register', { event, values: {}, window: registrationWindow(event) });
  });

  app.post<{ Params: SlugParams; Body: Record<string, unknown> }>('/e/:slug/register', { preHandler: app.csrfProtection }, async (request, reply) => {
    const event = await publicEvent(request, request.params.slug);
    const values = request.body ?? {};
    try {
      const registration = await register(request.em, event, values, { locale: request.locale });
      return reply.redirect(`/r/${registration.token}?new=1`, 303);
    } catch (error) {
      if (!(error instanceof AppError) || error.statusCode >= 500) throw error;
      const status = error instanceof ValidationError ? 400 : error.statusCode;
      return reply.page('public/register', { event, values, window: registrationWindow(event), errors: error.details, problem: error.details.length ? null : error.code }, status);
    }
  });

  app.get<{ Params: TokenParams; Querystring: { new?: string } }>('/r/:token', async (request, reply) => {
    const registration = await findByToken(request.em, request.params.token);
    const event = registration.event;
    return reply.page('public/registration', {
      registration, event, plenaries: plenaries(event), justRegistered: request.query.new === '1',
      structureType: structureTypeLabel(event.structureTypes, registration.structureType),
    });
  });

  app.get<{ Params: TokenParams }>('/r/:token/invite.ics', async (request, reply) => {
    const registration = await findByToken(request.em, request.params.token);
    if (registration.status === 'cancelled') throw new AppError(410, 'registration_cancelled');
    return reply
      .type('text/calendar; charset=utf-8')
      .header('Content-Disposition', `attachment; filename="${registration.event.slug}.ics"`)
      .send(buildCalendar(registration.event, { publicUrl: opts.config.publicUrl, registration, showGroup: true }));
  });

  app.get<{ Params: TokenParams }>('/r/:token/cancel', async (request, reply) => {
    const registration = await findByToken(request.em, request.params.token);
    return reply.page('public/cancel', { registration, event: registration.event });
  });

  app.post<{ Params: TokenParams }>('/r/:token/cancel', { preHandler: app.csrfProtection }, async (request, reply) => {
    const registration = await findByToken(request.em, request.params.token);
    await cancel(request.em, registration);
    return reply.redirect(`/r/${registration.token}`, 303);
  });
}
