import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { findEvent } from '../events/event.service.js';
import { organiserPages } from '../organisers/guards.js';
import { IdParams } from '../shared/api-schemas.js';
import { onEvent } from '../shared/route-policy.js';
import { ATTENDANCE_STATES } from './attendance.entity.js';
import { attendanceByMeeting } from './attendance.service.js';

/** *Présences par réunion*: for each meeting, who is expected, excused, present and absent. */
export default async function attendanceAdminRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  organiserPages(app);

  app.get(
    '/admin/events/:id/attendance',
    { config: onEvent('viewer', { audit: 'viewed' }), schema: { params: IdParams } },
    async (request, reply) => {
      const event = await findEvent(request.em, request.params.id);
      const meetings = await attendanceByMeeting(request.em, event);
      return reply.page('admin/attendance', { event, meetings, states: ATTENDANCE_STATES });
    },
  );
}
