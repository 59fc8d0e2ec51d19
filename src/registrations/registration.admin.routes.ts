import type { FastifyInstance } from 'fastify';
import { findEvent } from '../events/event.service.js';
import { structureTypeLabel } from '../events/structure-types.js';
import { requireOrganiser } from '../organisers/guards.js';
import type { RegistrationStatus } from './registration.entity.js';
import { REGISTRATION_STATUSES, countByStatus, listRegistrations } from './registration.service.js';

type Query = { structureType?: string; status?: string };

export default async function registrationAdminRoutes(app: FastifyInstance) {
  app.addHook('preHandler', requireOrganiser);

  app.get<{ Params: { id: string }; Querystring: Query }>('/admin/events/:id/registrations', async (request, reply) => {
    const event = await findEvent(request.em, Number(request.params.id));
    const status = REGISTRATION_STATUSES.includes(request.query.status as RegistrationStatus) ? (request.query.status as RegistrationStatus) : undefined;
    const structureType = event.structureTypes.some((t) => t.key === request.query.structureType) ? request.query.structureType : undefined;
    const { items, total } = await listRegistrations(request.em, event, { status, structureType });
    return reply.page('admin/registrations', {
      event, items, total, filter: { status, structureType }, statuses: REGISTRATION_STATUSES,
      counts: await countByStatus(request.em, event),
      typeLabel: (key: string) => structureTypeLabel(event.structureTypes, key),
    });
  });
}
