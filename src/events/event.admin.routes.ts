import type { FastifyInstance, FastifyReply } from 'fastify';
import { ValidationError } from '../errors.js';
import { organiserPages } from '../organisers/guards.js';
import {
  eventFormValues,
  type FormBody,
  readEventForm,
  readSessionForm,
  readStructureTypesForm,
  sessionFormValues,
} from './event.form.js';
import type { EventRouteDeps } from './event-routes.deps.js';
import { RETENTION_MONTHS, breakouts, findSession, plenaries, registrationWindow } from './event-rules.js';
import {
  addSession,
  createEvent,
  findEvent,
  listEvents,
  removeSession,
  setStructureTypes,
  updateEvent,
  updateSession,
} from './event.service.js';

type IdParams = { id: string };
type SessionParams = { id: string; sessionId: string };

/** Runs a save; on a validation error re-shows the form with the values kept and the messages. */
async function saveOrReshow(
  reply: FastifyReply,
  save: () => Promise<string>,
  reshow: (errors: ValidationError) => Promise<FastifyReply>,
) {
  try {
    return reply.redirect(await save(), 303);
  } catch (error) {
    if (error instanceof ValidationError || (error as { statusCode?: number }).statusCode === 409)
      return reshow(error as ValidationError);
    throw error;
  }
}

export default async function eventAdminRoutes(app: FastifyInstance, deps: EventRouteDeps) {
  const { memberEventIds, countByStatus, attendeesConcerned } = deps;
  /** Changes of times or places are announced to the attendees concerned unless "don't notify" is ticked. */
  const notifyOptions = (body: FormBody | undefined) => ({ announce: deps.announceChanges, notify: !body?.silent });

  organiserPages(app);

  app.get('/admin', async (request, reply) =>
    reply.page('admin/events', {
      events: await listEvents(request.em, { ids: await memberEventIds(request.em, request.organiser!.id) }),
    }),
  );

  app.get('/admin/events/new', async (_request, reply) =>
    reply.page('admin/event-form', {
      values: { timezone: 'Europe/Paris', status: 'draft', retentionMonths: String(RETENTION_MONTHS.default) },
      event: null,
    }),
  );

  app.post<{ Body: FormBody }>('/admin/events', async (request, reply) => {
    const { input, errors } = readEventForm(request.body ?? {});
    return saveOrReshow(
      reply,
      async () => {
        if (errors.length) throw new ValidationError(errors);
        const event = await createEvent(request.em, input);
        await deps.makeOwner(request.em, event, request.organiser!);
        return `/admin/events/${event.id}`;
      },
      (error) => reply.page('admin/event-form', { values: request.body, event: null, errors: error.details }, 400),
    );
  });

  app.get<{ Params: IdParams }>('/admin/events/:id', async (request, reply) => {
    const event = await findEvent(request.em, Number(request.params.id));
    return reply.page('admin/event', {
      event,
      plenaries: plenaries(event),
      breakouts: breakouts(event),
      counts: await countByStatus(request.em, event),
      window: registrationWindow(event),
    });
  });

  app.get<{ Params: IdParams }>('/admin/events/:id/edit', async (request, reply) => {
    const event = await findEvent(request.em, Number(request.params.id));
    return reply.page('admin/event-form', {
      values: eventFormValues(event),
      event,
      concerned: await attendeesConcerned(request.em, event),
    });
  });

  app.post<{ Params: IdParams; Body: FormBody }>('/admin/events/:id/edit', async (request, reply) => {
    const event = await findEvent(request.em, Number(request.params.id));
    const { input, errors } = readEventForm(request.body ?? {});
    return saveOrReshow(
      reply,
      async () => {
        if (errors.length) throw new ValidationError(errors);
        await updateEvent(request.em, event, input, notifyOptions(request.body));
        return `/admin/events/${event.id}`;
      },
      async (error) =>
        reply.page(
          'admin/event-form',
          {
            values: request.body,
            event,
            errors: error.details,
            concerned: await attendeesConcerned(request.em, event),
          },
          400,
        ),
    );
  });

  app.get<{ Params: IdParams }>('/admin/events/:id/sessions/new', async (request, reply) => {
    const event = await findEvent(request.em, Number(request.params.id));
    const last = event.sessions.getItems().at(-1);
    const values = last
      ? {
          ...sessionFormValues(last, event.timezone),
          title: '',
          topic: '',
          facilitator: '',
          room: '',
          kind: 'breakout',
        }
      : { kind: 'plenary' };
    return reply.page('admin/session-form', {
      event,
      session: null,
      values,
      concerned: await attendeesConcerned(request.em, event),
    });
  });

  app.post<{ Params: IdParams; Body: FormBody }>('/admin/events/:id/sessions', async (request, reply) => {
    const event = await findEvent(request.em, Number(request.params.id));
    const { input, errors } = readSessionForm(request.body ?? {}, event.timezone);
    return saveOrReshow(
      reply,
      async () => {
        if (errors.length) throw new ValidationError(errors);
        await addSession(request.em, event, input, notifyOptions(request.body));
        return `/admin/events/${event.id}#programme`;
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
  });

  app.get<{ Params: SessionParams }>('/admin/events/:id/sessions/:sessionId/edit', async (request, reply) => {
    const event = await findEvent(request.em, Number(request.params.id));
    const session = findSession(event, Number(request.params.sessionId));
    return reply.page('admin/session-form', {
      event,
      session,
      values: sessionFormValues(session, event.timezone),
      concerned: await attendeesConcerned(request.em, event, session),
    });
  });

  app.post<{ Params: SessionParams; Body: FormBody }>(
    '/admin/events/:id/sessions/:sessionId/edit',
    async (request, reply) => {
      const event = await findEvent(request.em, Number(request.params.id));
      const session = findSession(event, Number(request.params.sessionId));
      const { input, errors } = readSessionForm(request.body ?? {}, event.timezone);
      return saveOrReshow(
        reply,
        async () => {
          if (errors.length) throw new ValidationError(errors);
          await updateSession(request.em, event, session, input, notifyOptions(request.body));
          return `/admin/events/${event.id}#programme`;
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

  app.post<{ Params: SessionParams; Body: FormBody }>(
    '/admin/events/:id/sessions/:sessionId/delete',
    async (request, reply) => {
      const event = await findEvent(request.em, Number(request.params.id));
      await removeSession(
        request.em,
        event,
        findSession(event, Number(request.params.sessionId)),
        notifyOptions(request.body),
      );
      return reply.redirect(`/admin/events/${event.id}#programme`, 303);
    },
  );

  app.get<{ Params: IdParams }>('/admin/events/:id/structure-types', async (request, reply) => {
    const event = await findEvent(request.em, Number(request.params.id));
    return reply.page('admin/structure-types', { event, rows: event.structureTypes });
  });

  app.post<{ Params: IdParams; Body: FormBody }>('/admin/events/:id/structure-types', async (request, reply) => {
    const event = await findEvent(request.em, Number(request.params.id));
    const types = readStructureTypesForm(request.body ?? {});
    return saveOrReshow(
      reply,
      async () => {
        await setStructureTypes(request.em, event, types);
        return `/admin/events/${event.id}/structure-types?saved=1`;
      },
      (error) => reply.page('admin/structure-types', { event, rows: types, errors: error.details }, 400),
    );
  });
}
