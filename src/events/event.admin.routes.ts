import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { Type } from 'typebox';
import { onEvent, signedIn } from '../shared/route-policy.js';
import { ValidationError } from '../errors.js';
import { organiserPages } from '../organisers/guards.js';
import { IdParams, RowId } from '../shared/api-schemas.js';
import { type FormBody, FormBodySchema, formFlag, formText } from '../shared/form-body.js';
import { redirectWithNotice, saveOrReshow } from '../shared/page-door.js';
import {
  eventFormValues,
  newSessionValues,
  readEventForm,
  readSessionForm,
  readSidesForm,
  readStructureTypesForm,
  sessionFormValues,
} from './event.form.js';
import { eventChecklist } from './event-checklist.js';
import type { EventRouteDeps } from './event-routes.deps.js';
import { timeZoneChoices } from './event-dates.js';
import {
  REMINDER_DAYS,
  RETENTION_MONTHS,
  breakouts,
  findSession,
  plenaries,
  registrationWindow,
} from './event-rules.js';
import {
  addSession,
  findEvent,
  listEvents,
  removeSession,
  setSidesAndTypes,
  updateEvent,
  updateSession,
} from './event.service.js';
import { sidesOf, typesWithSides } from './sides.js';
import type { Side } from './event.entity.js';

const SessionParams = Type.Object({ id: RowId, sessionId: RowId });
/** `from`: the session to duplicate (*Dupliquer cette séance*), its values prefilled. */
const NewSessionQuery = Type.Object({ from: Type.Optional(RowId) });
const params = IdParams;

/** The event form, with the time zones to choose from (the event's own among them). */
function eventFormPage(reply: FastifyReply, data: { values: FormBody; [key: string]: unknown }, status = 200) {
  return reply.page(
    'admin/event-form',
    { ...data, timeZones: timeZoneChoices(formText(data.values, 'timezone')) },
    status,
  );
}
const body = FormBodySchema;

export default async function eventAdminRoutes(fastify: FastifyInstance, deps: EventRouteDeps) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { memberEventIds, countByStatus, attendeesConcerned } = deps;
  /** Changes of times or places are announced to the attendees concerned unless "don't notify" is ticked. */
  const notifyOptions = (posted: FormBody | undefined) => ({
    announce: deps.announceChanges,
    notify: !formFlag(posted, 'silent'),
  });

  organiserPages(app);

  app.get('/admin', { config: signedIn() }, async (request, reply) =>
    reply.page('admin/events', {
      events: await listEvents(request.em, { ids: await memberEventIds(request.em, request.organiser!.id) }),
    }),
  );

  app.get('/admin/events/new', { config: signedIn() }, async (_request, reply) =>
    eventFormPage(reply, {
      values: {
        timezone: 'Europe/Paris',
        status: 'draft',
        retentionMonths: String(RETENTION_MONTHS.default),
        reminderDaysBefore: String(REMINDER_DAYS.default),
      },
      event: null,
    }),
  );

  app.post('/admin/events', { config: signedIn(), schema: { body } }, async (request, reply) => {
    const { input, errors } = readEventForm(request.body);
    return saveOrReshow(
      reply,
      async () => {
        if (errors.length) throw new ValidationError(errors);
        const event = await deps.createOwnedEvent(request.em, input, request.organiser!);
        return { url: `/admin/events/${event.id}`, notice: 'eventCreated' };
      },
      (error) => eventFormPage(reply, { values: request.body, event: null, errors: error.details }, 400),
    );
  });

  app.get('/admin/events/:id', { config: onEvent('viewer'), schema: { params } }, async (request, reply) => {
    const event = await findEvent(request.em, request.params.id);
    return reply.page('admin/event', {
      event,
      plenaries: plenaries(event),
      breakouts: breakouts(event),
      counts: await countByStatus(request.em, event),
      unplaced: await deps.unplacedAfterPublication(request.em, event),
      window: registrationWindow(event),
      checklist: eventChecklist(event, await deps.checklistFacts(request.em, event)),
    });
  });

  /** The public page as attendees will see it, while the event is still a draft: for its team only. */
  app.get('/admin/events/:id/preview', { config: onEvent('viewer'), schema: { params } }, async (request, reply) => {
    const event = await findEvent(request.em, request.params.id);
    return reply.page('public/event', {
      event,
      plenaries: plenaries(event),
      breakouts: breakouts(event),
      window: registrationWindow(event),
      preview: true,
    });
  });

  for (const [action, status] of [
    ['publish', 'published'],
    ['unpublish', 'draft'],
  ] as const) {
    app.post(
      `/admin/events/:id/${action}`,
      { config: onEvent('organiser'), schema: { params, body } },
      async (request, reply) => {
        const event = await findEvent(request.em, request.params.id);
        await updateEvent(request.em, event, { status });
        return redirectWithNotice(
          reply,
          `/admin/events/${event.id}`,
          status === 'draft' ? 'eventUnpublished' : 'eventPublished',
        );
      },
    );
  }

  app.get('/admin/events/:id/edit', { config: onEvent('organiser'), schema: { params } }, async (request, reply) => {
    const event = await findEvent(request.em, request.params.id);
    return eventFormPage(reply, {
      values: eventFormValues(event),
      event,
      concerned: await attendeesConcerned(request.em, event),
    });
  });

  app.post(
    '/admin/events/:id/edit',
    { config: onEvent('organiser'), schema: { params, body } },
    async (request, reply) => {
      const event = await findEvent(request.em, request.params.id);
      const { input, errors } = readEventForm(request.body);
      return saveOrReshow(
        reply,
        async () => {
          if (errors.length) throw new ValidationError(errors);
          await updateEvent(request.em, event, input, notifyOptions(request.body));
          return { url: `/admin/events/${event.id}`, notice: 'eventSaved' };
        },
        async (error) =>
          eventFormPage(
            reply,
            {
              values: request.body,
              event,
              errors: error.details,
              concerned: await attendeesConcerned(request.em, event),
            },
            400,
          ),
      );
    },
  );

  app.get(
    '/admin/events/:id/sessions/new',
    { config: onEvent('organiser'), schema: { params, querystring: NewSessionQuery } },
    async (request, reply) => {
      const event = await findEvent(request.em, request.params.id);
      const { from } = request.query;
      const values = from
        ? sessionFormValues(findSession(event, from), event.timezone)
        : newSessionValues(event, event.sessions.getItems().at(-1));
      return reply.page('admin/session-form', {
        event,
        session: null,
        values,
        concerned: await attendeesConcerned(request.em, event),
      });
    },
  );

  app.post(
    '/admin/events/:id/sessions',
    { config: onEvent('organiser'), schema: { params, body } },
    async (request, reply) => {
      const event = await findEvent(request.em, request.params.id);
      const { input, errors } = readSessionForm(request.body, event.timezone);
      return saveOrReshow(
        reply,
        async () => {
          if (errors.length) throw new ValidationError(errors);
          await addSession(request.em, event, input, notifyOptions(request.body));
          return { url: `/admin/events/${event.id}#programme`, notice: 'sessionAdded' };
        },
        async (error) =>
          reply.page(
            'admin/session-form',
            {
              event,
              session: null,
              values: request.body,
              errors: error.details,
              concerned: await attendeesConcerned(request.em, event),
            },
            400,
          ),
      );
    },
  );

  app.get(
    '/admin/events/:id/sessions/:sessionId/edit',
    { config: onEvent('organiser'), schema: { params: SessionParams } },
    async (request, reply) => {
      const event = await findEvent(request.em, request.params.id);
      const session = findSession(event, request.params.sessionId);
      return reply.page('admin/session-form', {
        event,
        session,
        values: sessionFormValues(session, event.timezone),
        concerned: await attendeesConcerned(request.em, event, session),
      });
    },
  );

  app.post(
    '/admin/events/:id/sessions/:sessionId/edit',
    { config: onEvent('organiser'), schema: { params: SessionParams, body } },
    async (request, reply) => {
      const event = await findEvent(request.em, request.params.id);
      const session = findSession(event, request.params.sessionId);
      const { input, errors } = readSessionForm(request.body, event.timezone);
      return saveOrReshow(
        reply,
        async () => {
          if (errors.length) throw new ValidationError(errors);
          await updateSession(request.em, event, session, input, notifyOptions(request.body));
          return { url: `/admin/events/${event.id}#programme`, notice: 'sessionSaved' };
        },
        async (error) =>
          reply.page(
            'admin/session-form',
            {
              event,
              session,
              values: request.body,
              errors: error.details,
              concerned: await attendeesConcerned(request.em, event, session),
            },
            400,
          ),
      );
    },
  );

  app.post(
    '/admin/events/:id/sessions/:sessionId/delete',
    { config: onEvent('organiser'), schema: { params: SessionParams, body } },
    async (request, reply) => {
      const event = await findEvent(request.em, request.params.id);
      const session = findSession(event, request.params.sessionId);
      await removeSession(request.em, event, session, notifyOptions(request.body));
      return redirectWithNotice(reply, `/admin/events/${event.id}#programme`, 'sessionDeleted');
    },
  );

  app.get(
    '/admin/events/:id/structure-types',
    { config: onEvent('viewer'), schema: { params } },
    async (request, reply) => {
      const event = await findEvent(request.em, request.params.id);
      return reply.page('admin/structure-types', { event, rows: typesWithSides(event), sides: sidesOf(event) });
    },
  );

  app.post(
    '/admin/events/:id/structure-types',
    { config: onEvent('organiser'), schema: { params, body } },
    async (request, reply) => {
      const event = await findEvent(request.em, request.params.id);
      const types = readStructureTypesForm(request.body);
      const sides = readSidesForm(request.body);
      return saveOrReshow(
        reply,
        async () => {
          await setSidesAndTypes(request.em, event, sides, types);
          return { url: `/admin/events/${event.id}/structure-types`, notice: 'structureTypesSaved' };
        },
        (error) =>
          reply.page(
            'admin/structure-types',
            { event, rows: types, sides: sidesShownAgain(sides, sidesOf(event)), errors: error.details },
            error.statusCode,
          ),
      );
    },
  );
}

/** After a refusal, the sides as submitted, with the removed ones put back in their place (nothing was saved). */
function sidesShownAgain(submitted: Side[] | null, stored: Side[]): Side[] {
  if (!submitted) return stored;
  const byKey = new Map(submitted.map((s) => [s.key, s]));
  const storedKeys = new Set(stored.map((s) => s.key));
  return [...stored.map((s) => byKey.get(s.key) ?? s), ...submitted.filter((s) => !storedKeys.has(s.key))];
}
