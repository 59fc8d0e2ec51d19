import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { memberEventIds } from '../access/access.service.js';
import { requireApiToken } from '../organisers/guards.js';
import { errorResponses } from '../shared/api-schemas.js';
import { signedIn } from '../shared/route-policy.js';
import type { ShareRow } from './network-stats.js';
import { MAX_YEAR, MIN_YEAR, networkReport, yearRange } from './network.service.js';

const Share = Type.Object({
  key: Type.String(),
  label: Type.String(),
  count: Type.Integer({ description: 'Structures reached that year' }),
  percent: Type.Integer({ description: 'Rounded so that the rows add up to 100 (largest remainder)' }),
});
const Meeting = Type.Object({
  sessionId: Type.Integer(),
  title: Type.String(),
  startsAt: Type.String({ description: 'ISO 8601, UTC' }),
  expected: Type.Integer({ description: 'Confirmed people with nothing recorded at this meeting' }),
  excused: Type.Integer({ description: 'Said in advance they would miss it' }),
  present: Type.Integer({
    description: 'Marked present; at a one-day event with nothing recorded for the person, checked in',
  }),
  absent: Type.Integer(),
});
const WorkingGroupEvent = Type.Object({
  id: Type.Integer(),
  title: Type.String(),
  timezone: Type.String(),
  cycle: Type.Boolean({ description: 'Meetings on several days: a cycle' }),
  meetings: Type.Array(Meeting, { description: 'Its plenary sessions, in time order' }),
});
const Place = Type.Object({ code: Type.String(), name: Type.String(), structures: Type.Integer() });

export const NetworkStatisticsResponse = Type.Object(
  {
    years: Type.Array(
      Type.Object({
        year: Type.Integer(),
        events: Type.Integer({ description: 'Events held (not drafts) that year' }),
        registered: Type.Integer({ description: 'Registrations not cancelled' }),
        present: Type.Integer({
          description: 'Registrations not cancelled whose person came: checked in, or present at one meeting at least',
        }),
        structures: Type.Integer({ description: 'Structures with at least one person registered' }),
        newStructures: Type.Integer({ description: 'Reached for the first time that year' }),
        returningStructures: Type.Integer({ description: 'Reached an earlier year too' }),
        byStructureType: Type.Array(Share),
        bySide: Type.Array(Share),
        byCommune: Type.Array(Place),
        byEpci: Type.Array(Place),
        byDepartment: Type.Array(Place),
        withoutCommune: Type.Integer({ description: 'Structures reached whose commune is not known' }),
        workingGroups: Type.Array(Type.Object({ id: Type.Integer(), name: Type.String(), meetings: Type.Integer() }), {
          description: 'Structures at working-group meetings (events without breakout groups)',
        }),
        workingGroupEvents: Type.Array(WorkingGroupEvent, {
          description: "The working groups' events held that year, with attendance per meeting",
        }),
      }),
    ),
  },
  { $id: 'NetworkStatistics' },
);

const shares = (rows: ShareRow[]) => rows.map(({ key, label, count, percent }) => ({ key, label, count, percent }));

export default async function networkApiRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.addHook('onRequest', requireApiToken);

  // Across the events the token's organiser is on the team of: about no one event.
  app.get(
    '/api/v1/network/statistics',
    {
      config: signedIn(),
      schema: {
        tags: ['reports'],
        security: [{ bearer: [] }],
        summary:
          "The network's figures per year: events, people, new and returning structures, types, sides, territory",
        querystring: Type.Object({
          from: Type.Optional(Type.Integer({ minimum: MIN_YEAR, maximum: MAX_YEAR })),
          to: Type.Optional(Type.Integer({ minimum: MIN_YEAR, maximum: MAX_YEAR })),
        }),
        response: { 200: Type.Ref('NetworkStatistics'), ...errorResponses },
      },
    },
    async (request) => {
      const range = yearRange(request.query.from, request.query.to);
      const ids = await memberEventIds(request.em, request.organiser!.id);
      const { years } = await networkReport(request.em, ids, range);
      return {
        years: years.map((y) => ({ ...y, byStructureType: shares(y.byStructureType), bySide: shares(y.bySide) })),
      };
    },
  );
}
