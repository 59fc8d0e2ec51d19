import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { onEvent } from '../shared/route-policy.js';
import { notFound } from '../errors.js';
import { findEvent } from '../events/event.service.js';
import { organiserPages } from '../organisers/guards.js';
import { Registration } from '../registrations/registration.entity.js';
import { RowId } from '../shared/api-schemas.js';
import { FormBodySchema } from '../shared/form-body.js';
import { redirectWithNotice } from '../shared/page-door.js';
import { erasePerson, exportForRole, exportPerson } from './privacy.service.js';

const params = Type.Object({ id: RowId, registrationId: RowId });

/** Organiser pages for a person's requests: a copy of everything held about them, and erasure. */
export default async function privacyAdminRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  organiserPages(app);

  async function findPerson(request: FastifyRequest, ids: { id: number; registrationId: number }) {
    const event = await findEvent(request.em, ids.id);
    const registration = await request.em.findOne(Registration, { id: ids.registrationId, event: event.id });
    if (!registration) throw notFound();
    return { event, registration };
  }

  app.get(
    '/admin/events/:id/registrations/:registrationId/personal-data',
    { config: onEvent('viewer', { audit: 'exported' }), schema: { params } },
    async (request, reply) => {
      const { event, registration } = await findPerson(request, request.params);
      const data = exportForRole(await exportPerson(request.em, event, registration.id), request.eventRole);
      return reply
        .header('Content-Disposition', `attachment; filename="personal-data-${event.id}-${registration.id}.json"`)
        .header('Cache-Control', 'no-store')
        .type('application/json; charset=utf-8')
        .send(JSON.stringify(data, null, 2));
    },
  );

  app.get(
    '/admin/events/:id/registrations/:registrationId/erase',
    { config: onEvent('organiser', { audit: 'viewed' }), schema: { params } },
    async (request, reply) => {
      const { event, registration } = await findPerson(request, request.params);
      return reply.page('admin/registration-erase', { event, registration });
    },
  );

  app.post(
    '/admin/events/:id/registrations/:registrationId/erase',
    { config: onEvent('organiser'), schema: { params, body: FormBodySchema }, preHandler: app.csrfProtection },
    async (request, reply) => {
      const { event, registration } = await findPerson(request, request.params);
      await erasePerson(request.em, event, registration.id, {
        organiserId: request.organiser?.id ?? null,
        via: 'page',
        mail: app.mail.settings,
        emlDir: app.mail.outboxDir,
      });
      return redirectWithNotice(reply, `/admin/events/${event.id}/registrations`, 'personErased');
    },
  );
}
