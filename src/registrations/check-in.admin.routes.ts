import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { onEvent } from '../shared/route-policy.js';
import type { Event } from '../events/event.entity.js';
import { findEvent } from '../events/event.service.js';
import { structureTypeLabel } from '../events/structure-types.js';
import type { FieldError } from '../errors.js';
import { organiserPages } from '../organisers/guards.js';
import { IdParams, RowId } from '../shared/api-schemas.js';
import { FormBodySchema, formText } from '../shared/form-body.js';
import { redirectWithNotice, saveOrReshow } from '../shared/page-door.js';
import { checkInList, setPresent, walkIn } from './check-in.service.js';
import { findEventRegistration } from './registration.service.js';
import { checkInAtMeeting, statesAtMeeting } from '../cycles/attendance.service.js';
import { currentMeeting, isCycle, meetingsOf } from '../cycles/meetings.js';

const body = FormBodySchema;
const CheckInParams = Type.Object({ id: RowId, registrationId: RowId });
// The search box's own limit (maxlength="200").
const ListQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 200 })),
  // A cycle's meeting to check people in at (src/cycles): by default today's or the next one.
  session: Type.Optional(RowId),
});

/** The meeting a cycle's check-in is about, from the query or the form; none for a one-day event. */
function meetingFor(event: Event, asked: unknown) {
  if (!isCycle(event)) return undefined;
  const id = Number(asked);
  return currentMeeting(event, Number.isInteger(id) && id > 0 ? id : undefined);
}

const organiserLabel = (request: FastifyRequest) => `${request.organiser!.name} <${request.organiser!.email}>`;

/** The list's address at the same search, scrolled to one person. */
export function checkInUrl(eventId: number, q: string, anchorId?: number, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams({ ...(q ? { q } : {}), ...extra }).toString();
  return `/admin/events/${eventId}/check-in${params ? `?${params}` : ''}${anchorId ? `#r-${anchorId}` : ''}`;
}

export default async function checkInAdminRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  organiserPages(app);

  async function showList(
    request: FastifyRequest,
    reply: FastifyReply,
    event: Event,
    q: string,
    extra: Record<string, unknown> = {},
    status = 200,
  ) {
    const list = await checkInList(request.em, event, q);
    const meeting = meetingFor(event, extra.session);
    if (meeting) {
      // A cycle: present means present at this meeting; the arrival time is when it was recorded.
      const states = await statesAtMeeting(request.em, meeting.id);
      for (const item of list.items) {
        const row = states.get(item.id);
        item.checkedInAt = row?.state === 'present' ? row.updatedAt : null;
      }
      list.present = [...states.values()].filter(
        (row) => row.state === 'present' && row.registration.status === 'confirmed',
      ).length;
    }
    return reply.page(
      'admin/check-in',
      {
        event,
        q,
        ...list,
        meeting: meeting ?? null,
        meetings: meeting ? meetingsOf(event) : [],
        values: {},
        typeLabel: (key: string) => structureTypeLabel(event.structureTypes, key),
        ...extra,
      },
      status,
    );
  }

  app.get(
    '/admin/events/:id/check-in',
    { config: onEvent('viewer', { audit: 'viewed' }), schema: { params: IdParams, querystring: ListQuery } },
    async (request, reply) => {
      const event = await findEvent(request.em, request.params.id);
      return showList(request, reply, event, (request.query.q ?? '').trim(), { session: request.query.session });
    },
  );

  app.post(
    '/admin/events/:id/check-in/walk-in',
    { config: onEvent('organiser'), schema: { params: IdParams, body } },
    async (request, reply) => {
      const event = await findEvent(request.em, request.params.id);
      const values = request.body;
      return saveOrReshow(
        reply,
        async () => {
          const registration = await walkIn(request.em, event, values, {
            locale: request.locale,
            mail: app.mail.settings,
          });
          const meeting = meetingFor(event, formText(values, 'session'));
          if (meeting)
            await checkInAtMeeting(request.em, event, registration.id, meeting.id, true, {
              by: organiserLabel(request),
            });
          return {
            url: checkInUrl(
              event.id,
              registration.lastName,
              registration.id,
              meeting ? { session: String(meeting.id) } : {},
            ),
            notice: { key: 'walkInAdded', params: { name: `${registration.firstName} ${registration.lastName}` } },
          };
        },
        (error) => {
          const errors: FieldError[] = error.details.length
            ? error.details
            : [{ field: 'firstName', code: error.code }];
          return showList(
            request,
            reply,
            event,
            '',
            { values, errors, session: formText(values, 'session') },
            error.statusCode,
          );
        },
      );
    },
  );

  app.post(
    '/admin/events/:id/check-in/:registrationId',
    { config: onEvent('organiser'), schema: { params: CheckInParams, body } },
    async (request, reply) => {
      const event = await findEvent(request.em, request.params.id);
      const present = formText(request.body, 'present') !== '0';
      const before = await findEventRegistration(request.em, event, request.params.registrationId);
      const admitted = present && before.status !== 'confirmed';
      const meeting = meetingFor(event, formText(request.body, 'session'));
      const registration = meeting
        ? await checkInAtMeeting(request.em, event, before.id, meeting.id, present, {
            by: organiserLabel(request),
            mail: app.mail.settings,
          })
        : await setPresent(request.em, event, before.id, present, { mail: app.mail.settings });
      return redirectWithNotice(
        reply,
        checkInUrl(
          event.id,
          formText(request.body, 'q').slice(0, 200),
          registration.id,
          meeting ? { session: String(meeting.id) } : {},
        ),
        admitted ? 'checkInAdmitted' : present ? 'checkedIn' : 'checkInUndone',
      );
    },
  );
}
