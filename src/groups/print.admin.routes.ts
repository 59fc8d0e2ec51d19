import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { findEvent } from '../events/event.service.js';
import { plenaries } from '../events/event-rules.js';
import { structureTypeLabel } from '../events/structure-types.js';
import { notFound } from '../errors.js';
import { organiserPages } from '../organisers/guards.js';
import { IdParams, RowId } from '../shared/api-schemas.js';
import { onEvent } from '../shared/route-policy.js';
import type { Registration } from '../registrations/registration.entity.js';
import { groupsView } from './groups.service.js';

/** Blank rows at the end of a sign-in sheet, for people who come without registering. */
export const WALK_IN_ROWS = { default: 10, max: 60 };

const SignInQuery = Type.Object({
  session: Type.Optional(RowId),
  blank: Type.Optional(Type.Integer({ minimum: 0, maximum: WALK_IN_ROWS.max })),
});

const byName = (a: Registration, b: Registration) =>
  a.lastName.localeCompare(b.lastName, 'fr', { sensitivity: 'base' }) ||
  a.firstName.localeCompare(b.firstName, 'fr', { sensitivity: 'base' });

/** Printable A4 sheets for the day: every group's list at once, and the sign-in sheet of the day or a plenary. */
export default async function printAdminRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  organiserPages(app);

  app.get(
    '/admin/events/:id/groups/print',
    { config: onEvent('viewer', { audit: 'exported' }), schema: { params: IdParams } },
    async (request, reply) => {
      const event = await findEvent(request.em, request.params.id);
      const view = await groupsView(request.em, event);
      return reply.page('admin/groups-print', {
        event,
        groups: view.groups.map((g) => ({ ...g, members: [...g.members].sort(byName) })),
        label: (key: string) => structureTypeLabel(event.structureTypes, key),
      });
    },
  );

  app.get(
    '/admin/events/:id/sign-in',
    { config: onEvent('viewer', { audit: 'exported' }), schema: { params: IdParams, querystring: SignInQuery } },
    async (request, reply) => {
      const event = await findEvent(request.em, request.params.id);
      const { session: sessionId, blank = WALK_IN_ROWS.default } = request.query;
      const session = sessionId === undefined ? null : plenaries(event).find((s) => s.id === sessionId);
      if (session === undefined) throw notFound();
      const view = await groupsView(request.em, event);
      const people = [...view.groups.flatMap((g) => g.members), ...view.unassigned].sort(byName);
      return reply.page('admin/sign-in-sheet', {
        event,
        session,
        plenaries: plenaries(event),
        people,
        blank,
        label: (key: string) => structureTypeLabel(event.structureTypes, key),
      });
    },
  );
}
