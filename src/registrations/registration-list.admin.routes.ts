import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { breakouts } from '../events/event-rules.js';
import { findEvent } from '../events/event.service.js';
import { structureTypeLabel } from '../events/structure-types.js';
import { displayAnswer, storedAnswers } from '../forms/answers.js';
import { FIELD_TYPES } from '../forms/fields/index.js';
import { loadResolvedForm } from '../forms/form.service.js';
import { AppError } from '../errors.js';
import { organiserPages } from '../organisers/guards.js';
import { IdParams, RowId } from '../shared/api-schemas.js';
import { FormBodySchema, formList } from '../shared/form-body.js';
import { redirectWithNotice } from '../shared/page-door.js';
import { onEvent } from '../shared/route-policy.js';
import {
  LIST_SORTS,
  ListQuery,
  MAX_SELECTED_REGISTRATIONS,
  readListFilter,
  searchRegistrations,
  selectedRegistrations,
} from './registration-list.js';
import { REGISTRATION_STATUSES, cancel, countByStatus } from './registration.service.js';

/** The ticked rows of the list, sent by its selection form (GET: choosing what to do changes nothing yet). */
export const SelectionQuery = Type.Object({
  ids: Type.Optional(Type.Array(RowId, { maxItems: MAX_SELECTED_REGISTRATIONS })),
});

export default async function registrationListAdminRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  organiserPages(app);

  // A bad filter in the address (a hand-edited link) shows the whole list with a message, not an error page.
  app.get(
    '/admin/events/:id/registrations',
    {
      config: onEvent('viewer', { audit: 'viewed' }),
      schema: { params: IdParams, querystring: ListQuery },
      attachValidation: true,
    },
    async (request, reply) => {
      const event = await findEvent(request.em, request.params.id);
      const query = request.validationError ? {} : request.query;
      const read = readListFilter(event, query);
      const badFilter = Boolean(request.validationError) || read.unknown;
      const filter = badFilter ? readListFilter(event, {}).filter : read.filter;
      const items = await searchRegistrations(request.em, event, filter);
      // A column per question of the current form; each cell reads as the attendee answered it.
      const form = await loadResolvedForm(request.em, event, request.t);
      const columns = form.fields
        .filter((f) => !f.builtIn && FIELD_TYPES[f.type].answers)
        .map((f) => ({ key: f.key, label: f.label }));
      const cells = new Map(
        items.map((r) => {
          const stored = storedAnswers(r.answers);
          return [
            r.id,
            Object.fromEntries(columns.map((c) => [c.key, displayAnswer(stored[c.key], request.t, request.locale)])),
          ];
        }),
      );
      return reply.page(
        'admin/registrations',
        {
          event,
          items,
          total: items.length,
          filter,
          badFilter,
          statuses: REGISTRATION_STATUSES,
          sorts: LIST_SORTS,
          groups: breakouts(event),
          columns,
          cells,
          counts: await countByStatus(request.em, event),
          typeLabel: (key: string) => structureTypeLabel(event.structureTypes, key),
          erased: Boolean(!request.validationError && request.query.erased),
        },
        badFilter ? 400 : 200,
      );
    },
  );

  // Cancelling the ticked registrations: a confirmation page listing them, then one cancellation each.
  app.get(
    '/admin/events/:id/registrations/cancel',
    { config: onEvent('organiser', { audit: 'viewed' }), schema: { params: IdParams, querystring: SelectionQuery } },
    async (request, reply) => {
      const event = await findEvent(request.em, request.params.id);
      const selected = await selectedRegistrations(request.em, event, request.query.ids ?? []);
      if (!selected.length) throw new AppError('selection_empty');
      return reply.page('admin/registrations-cancel', {
        event,
        toCancel: selected.filter((r) => r.status !== 'cancelled'),
        alreadyCancelled: selected.filter((r) => r.status === 'cancelled'),
      });
    },
  );

  app.post(
    '/admin/events/:id/registrations/cancel',
    { config: onEvent('organiser'), schema: { params: IdParams, body: FormBodySchema } },
    async (request, reply) => {
      const event = await findEvent(request.em, request.params.id);
      const ids = formList(request.body, 'ids').map(Number).filter(Number.isSafeInteger);
      const selected = await selectedRegistrations(request.em, event, ids);
      let count = 0;
      for (const registration of selected) {
        if (await cancelled(registration)) count++;
      }
      return redirectWithNotice(reply, `/admin/events/${event.id}/registrations`, {
        key: 'registrationsCancelled',
        params: { count },
      });

      async function cancelled(registration: (typeof selected)[number]) {
        if (registration.status === 'cancelled') return false;
        await cancel(request.em, registration, { mail: app.mail.settings, byOrganiser: true });
        return true;
      }
    },
  );
}
