import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { FastifyInstance } from 'fastify';
import { onEvent, onEventRow } from '../shared/route-policy.js';
import type { Event } from '../events/event.entity.js';
import { findEvent } from '../events/event.service.js';
import { personSide } from '../events/sides.js';
import { AppError } from '../errors.js';
import { requireApiToken } from '../organisers/guards.js';
import { Registration } from '../registrations/registration.entity.js';
import { IdParams, RowId, StringEnum, errorResponses } from '../shared/api-schemas.js';
import type { AssignmentReport } from './assignment/index.js';
import { type GroupsView, groupsView, moveToGroup, publishAssignments, autoAssign } from './groups.service.js';
import { MovePreviewSchema } from './groups.schemas.js';
import { previewMove } from './move-preview.js';

const Member = Type.Object({
  registrationId: Type.Integer(),
  firstName: Type.String(),
  lastName: Type.String(),
  organisation: Type.String(),
  structureType: Type.String(),
  side: Type.String(),
  locked: Type.Boolean(),
});
const Counts = Type.Record(Type.String(), Type.Number());
const Groups = Type.Object(
  {
    groups: Type.Array(
      Type.Object({
        id: Type.Integer(),
        title: Type.String(),
        capacity: Type.Union([Type.Integer(), Type.Null()]),
        facilitator: Type.String(),
        room: Type.String(),
        members: Type.Array(Member),
        countsByStructureType: Counts,
        fairShareByStructureType: Counts,
        countsBySide: Counts,
        fairShareBySide: Counts,
      }),
    ),
    unassigned: Type.Array(Member),
    balance: Type.Object({
      maxGap: Type.Number({ description: 'Largest |count - fair share| over groups and structure types' }),
      fairShare: Type.Record(Type.String(), Counts),
      counts: Type.Record(Type.String(), Counts),
      maxSideGap: Type.Number({ description: 'Largest |count - fair share| over groups and sides' }),
      missingSides: Type.Array(Type.Object({ groupId: Type.Integer(), side: Type.String() }), {
        description: 'Groups holding nobody of a side the event has people on',
      }),
    }),
    sides: Type.Array(Type.Object({ key: Type.String(), label: Type.String() })),
    published: Type.Boolean(),
    publishedAt: Type.Union([Type.String(), Type.Null()]),
    notified: Type.Integer({
      description:
        'How many attendees publishing (again) would email: those whose group is not the one of their last invite',
    }),
  },
  { $id: 'Groups' },
);
export { Groups as GroupsResponse };

const Report = Type.Object({
  maxGap: Type.Number(),
  maxSideGap: Type.Number(),
  missingSides: Type.Array(Type.Object({ groupId: Type.Integer(), side: Type.String() })),
  preferences: Type.Object({
    first: Type.Integer(),
    second: Type.Integer(),
    other: Type.Integer(),
    none: Type.Integer(),
    withoutPreferences: Type.Integer(),
  }),
  unplaced: Type.Array(Type.Integer()),
  problems: Type.Array(
    Type.Object({
      code: Type.String(),
      params: Type.Record(Type.String(), Type.Union([Type.String(), Type.Number()])),
    }),
  ),
});

const member = (event: Event) => (r: Registration) => ({
  registrationId: r.id,
  firstName: r.firstName,
  lastName: r.lastName,
  organisation: r.organisation,
  structureType: r.structureType,
  side: personSide(event, r),
  locked: r.groupLocked,
});

function groupsJson(view: GroupsView) {
  const round = (n: number) => Math.round(n * 100) / 100;
  const table = (m: Record<string, Record<number, number>>) =>
    Object.fromEntries(
      Object.entries(m).map(([type, byGroup]) => [
        type,
        Object.fromEntries(Object.entries(byGroup).map(([g, v]) => [g, round(v)])),
      ]),
    );
  return {
    groups: view.groups.map((g) => ({
      id: g.session.id,
      title: g.session.title,
      capacity: g.session.capacity,
      facilitator: g.session.facilitator,
      room: g.session.room,
      members: g.members.map(member(view.event)),
      countsByStructureType: g.counts,
      fairShareByStructureType: g.fairShare,
      countsBySide: g.countsBySide,
      fairShareBySide: g.fairShareBySide,
    })),
    unassigned: view.unassigned.map(member(view.event)),
    balance: {
      maxGap: round(view.balance.maxGap),
      fairShare: table(view.balance.fairShare),
      counts: table(view.balance.counts),
      maxSideGap: round(view.balance.maxSideGap),
      missingSides: view.balance.missingSides,
    },
    sides: view.sides,
    published: view.published,
    publishedAt: view.event.assignmentsPublishedAt?.toISOString() ?? null,
    notified: view.notified,
  };
}

const reportJson = (report: AssignmentReport) => ({
  maxGap: Math.round(report.maxGap * 100) / 100,
  maxSideGap: Math.round(report.maxSideGap * 100) / 100,
  missingSides: report.missingSides,
  preferences: report.preferences,
  unplaced: report.unplaced,
  problems: report.problems,
});

export default async function groupsApiRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.addHook('onRequest', requireApiToken);
  const tags = ['groups'];
  const security = [{ bearer: [] }];

  app.get(
    '/api/v1/events/:id/groups',
    {
      config: onEvent('viewer', { audit: 'viewed' }),
      schema: {
        tags,
        security,
        params: IdParams,
        response: { 200: Type.Ref('Groups'), ...errorResponses },
        summary: 'The breakout groups, their members and balance',
      },
    },
    async (request) => groupsJson(await groupsView(request.em, await findEvent(request.em, request.params.id))),
  );

  app.post(
    '/api/v1/events/:id/assignments/auto',
    {
      config: onEvent('organiser'),
      schema: {
        tags,
        security,
        params: IdParams,
        body: Type.Object({
          mode: StringEnum(['unassigned', 'all'] as const, {
            description: 'unassigned: only place those without a group; all: redo everything except locked people',
          }),
        }),
        response: { 200: Type.Object({ groups: Type.Ref('Groups'), report: Report }), ...errorResponses },
        summary: 'Run the automatic assignment of confirmed registrations to breakout groups (a draft until published)',
      },
    },
    async (request) => {
      const event = await findEvent(request.em, request.params.id);
      const report = await autoAssign(request.em, event, request.body.mode, fastify.mail.settings);
      return { groups: groupsJson(await groupsView(request.em, event)), report: reportJson(report) };
    },
  );

  app.put(
    '/api/v1/registrations/:id/group',
    {
      config: onEventRow('registration', 'organiser', 'id'),
      schema: {
        tags,
        security,
        params: IdParams,
        body: Type.Object({
          groupId: Type.Union([RowId, Type.Null()]),
          locked: Type.Optional(Type.Boolean()),
        }),
        querystring: Type.Object({
          dryRun: Type.Boolean({
            default: false,
            description: 'true: move nobody, answer what the move would do to both groups and both balances',
          }),
        }),
        response: { 200: Type.Union([Member, MovePreviewSchema]), ...errorResponses },
        summary: 'Move a confirmed registration to a breakout group (null: none), optionally locking it there',
      },
    },
    async (request) => {
      const found = await request.em.findOne(Registration, { id: request.params.id }, { populate: ['event'] });
      if (!found) throw new AppError('not_found');
      const event = await findEvent(request.em, found.event.id);
      if (request.query.dryRun) return previewMove(request.em, event, found.id, request.body.groupId);
      return member(event)(
        await moveToGroup(request.em, event, found.id, request.body.groupId, {
          locked: request.body.locked,
          mail: fastify.mail.settings,
        }),
      );
    },
  );

  app.post(
    '/api/v1/events/:id/assignments/publish',
    {
      config: onEvent('organiser'),
      schema: {
        tags,
        security,
        params: IdParams,
        response: { 200: Type.Object({ publishedAt: Type.String(), notified: Type.Integer() }), ...errorResponses },
        summary:
          'Publish the assignments: attendees see their group; those whose group is new to them get the group email (`notified`)',
      },
    },
    async (request) => {
      const event = await findEvent(request.em, request.params.id);
      const notified = await publishAssignments(request.em, event, fastify.mail.settings);
      return { publishedAt: event.assignmentsPublishedAt!.toISOString(), notified };
    },
  );
}
