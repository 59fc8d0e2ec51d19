import type { FastifyInstance, FastifyRequest } from 'fastify';
import { findEvent } from '../events/event.service.js';
import { notFound } from '../errors.js';
import { organiserPages } from '../organisers/guards.js';
import { Registration } from '../registrations/registration.entity.js';
import { erasePerson, exportForRole, exportPerson } from './privacy.service.js';

type RegistrationParams = { id: string; registrationId: string };

/** Organiser pages for a person's requests: a copy of everything held about them, and erasure. */
export default async function privacyAdminRoutes(app: FastifyInstance) {
  organiserPages(app);

  async function findPerson(request: FastifyRequest<{ Params: RegistrationParams }>) {
    const event = await findEvent(request.em, Number(request.params.id));
    const id = Number(request.params.registrationId);
    const registration = Number.isSafeInteger(id)
      ? await request.em.findOne(Registration, { id, event: event.id })
      : null;
    if (!registration) throw notFound();
    return { event, registration };
  }

  app.get<{ Params: RegistrationParams }>(
    '/admin/events/:id/registrations/:registrationId/personal-data',
    async (request, reply) => {
      const { event, registration } = await findPerson(request);
      const data = exportForRole(await exportPerson(request.em, event, registration.id), request.eventRole);
      return reply
        .header('Content-Disposition', `attachment; filename="personal-data-${event.id}-${registration.id}.json"`)
        .header('Cache-Control', 'no-store')
        .type('application/json; charset=utf-8')
        .send(JSON.stringify(data, null, 2));
    },
  );

  app.get<{ Params: RegistrationParams }>(
    '/admin/events/:id/registrations/:registrationId/erase',
    async (request, reply) => {
      const { event, registration } = await findPerson(request);
      return reply.page('admin/registration-erase', { event, registration });
    },
  );

  app.post<{ Params: RegistrationParams }>(
    '/admin/events/:id/registrations/:registrationId/erase',
    { preHandler: app.csrfProtection },
    async (request, reply) => {
      const { event, registration } = await findPerson(request);
      await erasePerson(request.em, event, registration.id, {
        organiserId: request.organiser?.id ?? null,
        via: 'page',
        mail: app.mail.settings,
        emlDir: app.mail.outboxDir,
      });
      return reply.redirect(`/admin/events/${event.id}/registrations?erased=1`, 303);
    },
  );
}
