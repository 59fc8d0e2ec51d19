import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { notFound } from '../errors.js';
import { findEvent } from '../events/event.service.js';
import { requireApiToken } from '../organisers/guards.js';
import { Registration } from '../registrations/registration.entity.js';
import { IdParams, RowId, StringEnum, errorResponses } from '../shared/api-schemas.js';
import { onEvent, onEventRow } from '../shared/route-policy.js';
import { ATTENDANCE_STATES } from './attendance.entity.js';
import { attendanceByMeeting, setAttendance } from './attendance.service.js';

const AttendanceParams = Type.Object({ id: RowId, sessionId: RowId });
const AttendanceBody = Type.Object({ state: StringEnum(ATTENDANCE_STATES) }, { additionalProperties: false });
const AttendanceResponse = Type.Object({
  registrationId: Type.Integer(),
  sessionId: Type.Integer(),
  state: Type.String(),
  updatedAt: Type.Union([Type.String(), Type.Null()]),
  updatedBy: Type.Union([Type.String(), Type.Null()]),
});
const Summary = Type.Object({
  sessions: Type.Array(
    Type.Object({
      sessionId: Type.Integer(),
      title: Type.String(),
      startsAt: Type.String(),
      expected: Type.Integer(),
      excused: Type.Integer(),
      present: Type.Integer(),
      absent: Type.Integer(),
    }),
  ),
});

/** Attendance per meeting (the event's plenary sessions) in the JSON API. */
export default async function attendanceApiRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.addHook('onRequest', requireApiToken);
  const tags = ['attendance'];
  const security = [{ bearer: [] }];

  app.put(
    '/api/v1/registrations/:id/attendance/:sessionId',
    {
      config: onEventRow('registration', 'organiser', 'id'),
      schema: {
        tags,
        security,
        params: AttendanceParams,
        body: AttendanceBody,
        response: { 200: AttendanceResponse, ...errorResponses },
        summary: "Set a confirmed person's attendance at one meeting (a plenary session of their event)",
      },
    },
    async (request) => {
      const registration = await request.em.findOne(
        Registration,
        { id: request.params.id },
        { populate: ['event.sessions'] },
      );
      if (!registration) throw notFound();
      const organiser = request.organiser!;
      const row = await setAttendance(
        request.em,
        registration.event,
        registration.id,
        request.params.sessionId,
        request.body.state,
        `${organiser.name} <${organiser.email}>`,
      );
      return { ...row, updatedAt: row.updatedAt?.toISOString() ?? null };
    },
  );

  app.get(
    '/api/v1/events/:id/attendance',
    {
      config: onEvent('viewer'),
      schema: {
        tags,
        security,
        params: IdParams,
        response: { 200: Summary, ...errorResponses },
        summary: 'How many confirmed people are expected, excused, present and absent at each meeting',
      },
    },
    async (request) => {
      const event = await findEvent(request.em, request.params.id);
      const meetings = await attendanceByMeeting(request.em, event);
      return {
        sessions: meetings.map(({ session, counts }) => ({
          sessionId: session.id,
          title: session.title,
          startsAt: session.startsAt.toISOString(),
          ...counts,
        })),
      };
    },
  );
}
