import type { FastifyInstance, FastifyRequest } from 'fastify';
import { findEvent } from '../events/event.service.js';
import { structureTypeLabel } from '../events/structure-types.js';
import { answerRows, displayAnswer, storedAnswers } from '../forms/answers.js';
import { FIELD_TYPES } from '../forms/fields/index.js';
import { loadResolvedForm } from '../forms/form.service.js';
import { organiserPages } from '../organisers/guards.js';
import { notFound } from '../errors.js';
import { Registration, type RegistrationStatus } from './registration.entity.js';
import { reissuePrivateLink } from './private-link.js';
import { REGISTRATION_STATUSES, cancel, countByStatus, listRegistrations } from './registration.service.js';

type Query = { structureType?: string; status?: string; cancelled?: string; erased?: string };
type RegistrationParams = { id: string; registrationId: string };

export default async function registrationAdminRoutes(app: FastifyInstance) {
  organiserPages(app);

  app.get<{ Params: { id: string }; Querystring: Query }>('/admin/events/:id/registrations', async (request, reply) => {
    const event = await findEvent(request.em, Number(request.params.id));
    const status = REGISTRATION_STATUSES.includes(request.query.status as RegistrationStatus)
      ? (request.query.status as RegistrationStatus)
      : undefined;
    const structureType = event.structureTypes.some((t) => t.key === request.query.structureType)
      ? request.query.structureType
      : undefined;
    const { items, total } = await listRegistrations(request.em, event, { status, structureType });
    // A column per question of the current form; each cell reads as the attendee answered it.
    const form = await loadResolvedForm(request.em, event, request.t);
    const columns = form.fields
      .filter((f) => !f.builtIn && FIELD_TYPES[f.type].answers)
      .map((f) => ({ key: f.key, label: f.label }));
    const cells = new Map(
      items.map((r) => {
        const stored = storedAnswers(r.answers);
        return [
          r.id,
          Object.fromEntries(columns.map((c) => [c.key, displayAnswer(stored[c.key], request.t, request.locale)])),
        ];
      }),
    );
    return reply.page('admin/registrations', {
      event,
      items,
      total,
      filter: { status, structureType },
      statuses: REGISTRATION_STATUSES,
      columns,
      cells,
      counts: await countByStatus(request.em, event),
      typeLabel: (key: string) => structureTypeLabel(event.structureTypes, key),
      cancelled: Boolean(request.query.cancelled),
      erased: Boolean(request.query.erased),
    });
  });

  async function findRegistration(request: FastifyRequest<{ Params: RegistrationParams }>) {
    const event = await findEvent(request.em, Number(request.params.id));
    const id = Number(request.params.registrationId);
    const registration = Number.isSafeInteger(id)
      ? await request.em.findOne(Registration, { id, event: event.id }, { populate: ['group'] })
      : null;
    if (!registration) throw notFound();
    return { event, registration };
  }

  // The organiser cancels someone's registration: a confirmation page, then the attendee gets a
  // METHOD:CANCEL of their invite and the first person waiting gets the seat (and their invite).
  app.get<{ Params: RegistrationParams }>(
    '/admin/events/:id/registrations/:registrationId/cancel',
    async (request, reply) => {
      const { event, registration } = await findRegistration(request);
      return reply.page('admin/registration-cancel', { event, registration });
    },
  );

  app.post<{ Params: RegistrationParams }>(
    '/admin/events/:id/registrations/:registrationId/cancel',
    { preHandler: app.csrfProtection },
    async (request, reply) => {
      const { event, registration } = await findRegistration(request);
      await cancel(request.em, registration, { mail: app.mail.settings, byOrganiser: true });
      return reply.redirect(`/admin/events/${event.id}/registrations?cancelled=${registration.id}`, 303);
    },
  );

  // One registration with every answer, those to questions since removed from the form included.
  app.get<{ Params: RegistrationParams; Querystring: { newLink?: string } }>(
    '/admin/events/:id/registrations/:registrationId',
    async (request, reply) => {
      const { event, registration } = await findRegistration(request);
      const form = await loadResolvedForm(request.em, event, request.t);
      const rows = answerRows(form, registration.answers, request.t, request.locale);
      return reply.page('admin/registration-detail', {
        event,
        registration,
        typeLabel: structureTypeLabel(event.structureTypes, registration.structureType),
        answers: rows.filter((row) => !row.removed),
        removed: rows.filter((row) => row.removed),
        newLink: ['issued', 'sent'].includes(request.query.newLink ?? '') ? request.query.newLink : null,
      });
    },
  );

  // Replaces the attendee's private link (the old one answers 404 from now on), optionally emailing the new one.
  app.post<{ Params: RegistrationParams; Body: { notify?: string } }>(
    '/admin/events/:id/registrations/:registrationId/new-link',
    { preHandler: app.csrfProtection },
    async (request, reply) => {
      const { event, registration } = await findRegistration(request);
      const notify = request.body?.notify === 'yes';
      await reissuePrivateLink(request.em, registration, { mail: notify ? app.mail.settings : undefined });
      return reply.redirect(
        `/admin/events/${event.id}/registrations/${registration.id}?newLink=${notify ? 'sent' : 'issued'}`,
        303,
      );
    },
  );
}
