import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Event } from '../events/event.entity.js';
import { findEvent } from '../events/event.service.js';
import { structureTypeLabel } from '../events/structure-types.js';
import { AppError, type FieldError, ValidationError } from '../errors.js';
import { organiserPages } from '../organisers/guards.js';
import { checkInList, setPresent, walkIn } from './check-in.service.js';

type IdParams = { id: string };
type Query = { q?: string; added?: string };

const firstValue = (value: unknown): string =>
  Array.isArray(value) ? String(value[0] ?? '') : typeof value === 'string' ? value : '';

/** The list's address at the same search, scrolled to one person. */
export function checkInUrl(eventId: number, q: string, anchorId?: number, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams({ ...(q ? { q } : {}), ...extra }).toString();
  return `/admin/events/${eventId}/check-in${params ? `?${params}` : ''}${anchorId ? `#r-${anchorId}` : ''}`;
}

export default async function checkInAdminRoutes(app: FastifyInstance) {
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
    const addedId = Number(firstValue((request.query as Query).added));
    const added = addedId ? list.items.find((item) => item.id === addedId) : undefined;
    return reply.page(
      'admin/check-in',
      {
        event,
        q,
        ...list,
        added,
        values: {},
        typeLabel: (key: string) => structureTypeLabel(event.structureTypes, key),
        ...extra,
      },
      status,
    );
  }

  app.get<{ Params: IdParams; Querystring: Query }>('/admin/events/:id/check-in', async (request, reply) => {
    const event = await findEvent(request.em, Number(request.params.id));
    return showList(request, reply, event, firstValue(request.query.q).trim().slice(0, 200));
  });

  app.post<{ Params: IdParams; Body: Record<string, unknown> }>(
    '/admin/events/:id/check-in/walk-in',
    async (request, reply) => {
      const event = await findEvent(request.em, Number(request.params.id));
      const values = request.body ?? {};
      try {
        const registration = await walkIn(request.em, event, values, { locale: request.locale });
        return reply.redirect(
          checkInUrl(event.id, registration.lastName, registration.id, { added: String(registration.id) }),
          303,
        );
      } catch (error) {
        if (!(error instanceof AppError) || error.statusCode >= 500) throw error;
        const errors: FieldError[] = error.details.length ? error.details : [{ field: 'firstName', code: error.code }];
        return showList(
          request,
          reply,
          event,
          '',
          { values, errors },
          error instanceof ValidationError ? 400 : error.statusCode,
        );
      }
    },
  );

  app.post<{ Params: IdParams & { registrationId: string }; Body: Record<string, unknown> }>(
    '/admin/events/:id/check-in/:registrationId',
    async (request, reply) => {
      const event = await findEvent(request.em, Number(request.params.id));
      const body = request.body ?? {};
      const registration = await setPresent(
        request.em,
        event,
        Number(request.params.registrationId),
        firstValue(body.present) !== '0',
      );
      return reply.redirect(checkInUrl(event.id, firstValue(body.q).trim().slice(0, 200), registration.id), 303);
    },
  );
}
