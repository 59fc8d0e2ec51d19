import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { onEvent } from '../shared/route-policy.js';
import { findEvent } from '../events/event.service.js';
import { organiserPages } from '../organisers/guards.js';
import { IdParams } from '../shared/api-schemas.js';
import { auditLog } from './audit.service.js';

const PAGE_SIZE = 200;
const AuditQuery = Type.Object({ page: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })) });

/** The audit log of an event, for its owners: who viewed, exported or changed what, and when. */
export default async function auditAdminRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  organiserPages(app);

  app.get(
    '/admin/events/:id/audit',
    { config: onEvent('owner'), schema: { params: IdParams, querystring: AuditQuery } },
    async (request, reply) => {
      const event = await findEvent(request.em, request.params.id);
      const page = request.query.page ?? 1;
      const { items, total } = await auditLog(request.em, event, { limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE });
      return reply.page('admin/audit', { event, items, total, page, pages: Math.max(1, Math.ceil(total / PAGE_SIZE)) });
    },
  );
}
