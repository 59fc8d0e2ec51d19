import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { findByToken } from '../registrations/registration.service.js';
import { RowId } from '../shared/api-schemas.js';
import { FormBodySchema, formText } from '../shared/form-body.js';
import { publicRoute } from '../shared/route-policy.js';
import { excuseMyself } from './attendance.service.js';

const Params = Type.Object({ token: Type.String({ maxLength: 100 }), sessionId: RowId });

/** From their private page, an attendee says they will miss one meeting of a cycle, or undoes it. */
export default async function attendancePublicRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.post(
    '/r/:token/attendance/:sessionId',
    { config: publicRoute(), schema: { params: Params, body: FormBodySchema }, preHandler: app.csrfProtection },
    async (request, reply) => {
      const registration = await findByToken(request.em, request.params.token);
      const excused = formText(request.body ?? {}, 'excused') === '1';
      await excuseMyself(request.em, registration, request.params.sessionId, excused);
      return reply.redirect(`/r/${registration.token}?attendance=${excused ? 'excused' : 'expected'}#meetings`, 303);
    },
  );
}
