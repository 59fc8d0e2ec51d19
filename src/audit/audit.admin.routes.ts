import type { FastifyInstance } from 'fastify';
import { findEvent } from '../events/event.service.js';
import { organiserPages } from '../organisers/guards.js';
import { auditLog } from './audit.service.js';

const PAGE_SIZE = 200;

/** The audit log of an event, for its owners: who viewed, exported or changed what, and when. */
export default async function auditAdminRoutes(app: FastifyInstance) {
  organiserPages(app);

  app.get<{ Params: { id: string }; Querystring: { page?: string } }>(
    '/admin/events/:id/audit',
    { config: { eventRole: 'owner' } },
    async (request, reply) => {
      const event = await findEvent(request.em, Number(request.params.id));
      const page = Math.max(1, Math.floor(Number(request.query.page)) || 1);
      const { items, total } = await auditLog(request.em, event, { limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE });
      return reply.page('admin/audit', { event, items, total, page, pages: Math.max(1, Math.ceil(total / PAGE_SIZE)) });
    },
  );
}
