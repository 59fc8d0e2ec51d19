import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.js';
import { buildCalendar } from '../calendar/ics.js';
import { publicEvent } from '../events/event.public.routes.js';
import { plenaries, registrationWindow } from '../events/event.service.js';
import { structureTypeLabel } from '../events/structure-types.js';
import { AppError, ValidationError } from '../errors.js';
import { answerRows, formValuesFromAnswers } from '../forms/answers.js';
import { loadResolvedForm } from '../forms/form.service.js';
import { formView } from '../forms/render.js';
import { cancel, findByToken, register, updateAnswers } from './registration.service.js';

type SlugParams = { slug: string };
type TokenParams = { token: string };

export default async function registrationPublicRoutes(app: FastifyInstance, opts: { config: Config }) {
  app.get<{ Params: SlugParams }>('/e/:slug/register', async (request, reply) => {
    const event = await publicEvent(request, request.params.slug);
    const form = formView(await loadResolvedForm(request.em, event, request.t), {}, [], request.t);
    return reply.page('public/register', { event, form, window: registrationWindow(event) });
  });

  app.post<{ Params: SlugParams; Body: Record<string, unknown> }>('/e/:slug/register', { preHandler: app.csrfProtection }, async (request, reply) => {
    const event = await publicEvent(request, request.params.slug);
    const values = request.body ?? {};
    try {
      const registration = await register(request.em, event, values, { locale: request.locale, mail: app.mail.settings, unsafeCapacityCheck: opts.config.unsafeCapacityCheck });
      return reply.redirect(`/r/${registration.token}?new=1`, 303);
    } catch (error) {
      if (!(error instanceof AppError) || error.statusCode >= 500) throw error;
      const status = error instanceof ValidationError ? 400 : error.statusCode;
      const form = formView(await loadResolvedForm(request.em, event, request.t), values, error.details, request.t);
      return reply.page('public/register', { event, form, window: registrationWindow(event), errors: error.details, problem: error.details.length ? null : error.code }, status);
    }
  });

  app.get<{ Params: TokenParams; Querystring: { new?: string; updated?: string } }>('/r/:token', async (request, reply) => {
    const registration = await findByToken(request.em, request.params.token);
    const event = registration.event;
    const form = await loadResolvedForm(request.em, event, request.t);
    return reply.page('public/registration', {
      registration, event, plenaries: plenaries(event), justRegistered: request.query.new === '1',
      structureType: structureTypeLabel(event.structureTypes, registration.structureType),
      answers: answerRows(form, registration.answers, request.t, request.locale).filter((row) => !row.removed),
      canEdit: registration.status !== 'cancelled' && registrationWindow(event) === 'open',
      updated: request.query.updated === '1',
      showGroup: event.assignmentsPublishedAt != null,
    });
  });

  // The attendee changes their answers: the form prefilled, then the same checks as at registration.
  app.get<{ Params: TokenParams }>('/r/:token/edit', async (request, reply) => {
    const registration = await findByToken(request.em, request.params.token);
    const event = registration.event;
    const resolved = await loadResolvedForm(request.em, event, request.t);
    const values = {
      ...formValuesFromAnswers(resolved, registration.answers),
      firstName: registration.firstName, lastName: registration.lastName, email: registration.email,
      organisation: registration.organisation, structureType: registration.structureType, consent: 'yes',
    };
    const locked = registration.status === 'cancelled' ? 'registration_cancelled' : registrationWindow(event) !== 'open' ? 'answers_locked' : null;
    return reply.page('public/edit-answers', { registration, event, form: formView(resolved, values, [], request.t), problem: locked }, locked ? 409 : 200);
  });

  app.post<{ Params: TokenParams; Body: Record<string, unknown> }>('/r/:token/edit', { preHandler: app.csrfProtection }, async (request, reply) => {
    const registration = await findByToken(request.em, request.params.token);
    const values = request.body ?? {};
    try {
      await updateAnswers(request.em, registration, values);
      return reply.redirect(`/r/${registration.token}?updated=1`, 303);
    } catch (error) {
      if (!(error instanceof AppError) || error.statusCode >= 500) throw error;
      const status = error instanceof ValidationError ? 400 : error.statusCode;
      const form = formView(await loadResolvedForm(request.em, registration.event, request.t), values, error.details, request.t);
      return reply.page('public/edit-answers', { registration, event: registration.event, form, errors: error.details, problem: error.details.length ? null : error.code }, status);
    }
  });

  app.get<{ Params: TokenParams }>('/r/:token/invite.ics', async (request, reply) => {
    const registration = await findByToken(request.em, request.params.token);
    if (registration.status === 'cancelled') throw new AppError(410, 'registration_cancelled');
    return reply
      .type('text/calendar; charset=utf-8')
      .header('Content-Disposition', `attachment; filename="${registration.event.slug}.ics"`)
      .send(buildCalendar(registration.event, { publicUrl: opts.config.publicUrl, registration, showGroup: registration.event.assignmentsPublishedAt != null }));
  });

  app.get<{ Params: TokenParams }>('/r/:token/cancel', async (request, reply) => {
    const registration = await findByToken(request.em, request.params.token);
    return reply.page('public/cancel', { registration, event: registration.event });
  });

  app.post<{ Params: TokenParams }>('/r/:token/cancel', { preHandler: app.csrfProtection }, async (request, reply) => {
    const registration = await findByToken(request.em, request.params.token);
    await cancel(request.em, registration, { mail: app.mail.settings });
    return reply.redirect(`/r/${registration.token}`, 303);
  });
}
