import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { onEvent } from '../shared/route-policy.js';
import { Readable } from 'node:stream';
import type { Event } from '../events/event.entity.js';
import { findEvent } from '../events/event.service.js';
import { sideLabel, sidesOf } from '../events/sides.js';
import { structureTypeLabel } from '../events/structure-types.js';
import { AppError } from '../errors.js';
import type { Translate } from '../i18n/i18n.js';
import { organiserPages } from '../organisers/guards.js';
import { groupsCsv } from '../reports/export.js';
import { IdParams, RowId } from '../shared/api-schemas.js';
import { type FormBody, FormBodySchema, formText } from '../shared/form-body.js';
import { redirectWithNotice } from '../shared/page-door.js';
import type { AssignmentReport } from './assignment/index.js';
import { rankLabel } from '../forms/fields/group-preference.js';
import { previewMove } from './move-preview.js';
import {
  type AssignMode,
  type GroupsView,
  autoAssign,
  groupsView,
  moveToGroup,
  publishAssignments,
  setLocked,
  swapGroups,
} from './groups.service.js';

const params = IdParams;
const GroupParams = Type.Object({ id: RowId, groupId: RowId });
// Loose on purpose: an unknown value shows the page without a result.
const ResultQuery = Type.Object({ result: Type.Optional(Type.String({ maxLength: 20 })) });
const body = FormBodySchema;

/** The report's problems in the organiser's words: group, type and person ids replaced by their names. */
export function describeProblems(view: GroupsView, report: AssignmentReport, t: Translate): string[] {
  const titles = new Map(view.groups.map((g) => [g.session.id, g.session.title]));
  const people = new Map(
    [...view.unassigned, ...view.groups.flatMap((g) => g.members)].map((r) => [r.id, `${r.firstName} ${r.lastName}`]),
  );
  return report.problems.map((problem) => {
    const params: Record<string, string> = {};
    for (const [key, value] of Object.entries(problem.params)) params[key] = String(value);
    if (problem.params.group != null)
      params.group = titles.get(Number(problem.params.group)) ?? String(problem.params.group);
    if (problem.params.type != null)
      params.type = structureTypeLabel(view.event.structureTypes, String(problem.params.type));
    if (problem.params.side != null) params.side = sideLabel(view.sides, String(problem.params.side));
    if (problem.params.person != null)
      params.person = people.get(Number(problem.params.person)) ?? String(problem.params.person);
    return t(`groups.problems.${problem.code}`, params);
  });
}

/** Each person's wishes in words, by registration id: "Vœux : 1er choix : Groupe 2 ; 2e choix : Groupe 4". */
export function wishesOf(view: GroupsView, t: Translate): Map<number, string> {
  const titles = new Map(view.groups.map((g) => [g.session.id, g.session.title]));
  const wishes = new Map<number, string>();
  for (const [id, preferences] of view.preferences) {
    const known = preferences.filter((groupId) => titles.has(groupId));
    if (known.length)
      wishes.set(
        id,
        t('groups.wishes', {
          list: known.map((g, i) => t('groups.wish', { rank: rankLabel(t, i + 1), group: titles.get(g)! })).join(' ; '),
        }),
      );
  }
  return wishes;
}

export default async function groupsAdminRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  organiserPages(app);

  const event = (request: FastifyRequest, id: number) => findEvent(request.em, id);

  async function page(
    request: FastifyRequest,
    reply: FastifyReply,
    ev: Event,
    extra: Record<string, unknown> = {},
    status = 200,
  ) {
    const view = await groupsView(request.em, ev);
    // Back from an automatic assignment (a mode given): its result is the report of the assignment saved.
    const report = extra.mode ? view.balance : undefined;
    return reply.page(
      'admin/groups',
      {
        ...view,
        report,
        wishes: wishesOf(view, request.t),
        label: (key: string) => structureTypeLabel(ev.structureTypes, key),
        problems: report ? describeProblems(view, report, request.t) : [],
        ...extra,
      },
      status,
    );
  }

  /** A manual change, then its notice; a refused one re-shows the page with the reason. */
  async function change(
    request: FastifyRequest,
    reply: FastifyReply,
    eventId: number,
    notice: string,
    run: (ev: Event) => Promise<unknown>,
  ) {
    const ev = await event(request, eventId);
    try {
      await run(ev);
      return redirectWithNotice(reply, `/admin/events/${ev.id}/groups#groups`, notice);
    } catch (error) {
      return refused(request, reply, eventId, error);
    }
  }

  /** A refused change (or preview of one) re-shows the groups page with the reason. */
  async function refused(request: FastifyRequest, reply: FastifyReply, eventId: number, error: unknown) {
    if (!(error instanceof AppError) || error.statusCode >= 500 || error.statusCode === 404) throw error;
    request.em.clear();
    return page(request, reply, await event(request, eventId), { problem: error.code }, error.statusCode);
  }

  /** A registration or group id posted by the page: a number, or NaN (the service answers 404). */
  const postedId = (body: FormBody, key: string) => (formText(body, key) ? Number(formText(body, key)) : Number.NaN);

  // `?result=<mode>`: back from an automatic assignment, the page shows its result (the report of the
  // assignment now saved), so refreshing shows it again without running it again.
  app.get(
    '/admin/events/:id/groups',
    { config: onEvent('viewer', { audit: 'viewed' }), schema: { params, querystring: ResultQuery } },
    async (request, reply) => {
      const ev = await event(request, request.params.id);
      const mode = request.query.result;
      return page(request, reply, ev, mode === 'all' || mode === 'unassigned' ? { mode } : {});
    },
  );

  // Post/redirect/get: the assignment runs once, then the browser lands on the page with its result.
  app.post(
    '/admin/events/:id/groups/auto',
    { config: onEvent('organiser'), schema: { params, body } },
    async (request, reply) => {
      const ev = await event(request, request.params.id);
      const mode: AssignMode = formText(request.body, 'mode') === 'all' ? 'all' : 'unassigned';
      await autoAssign(request.em, ev, mode, app.mail.settings);
      return redirectWithNotice(reply, `/admin/events/${ev.id}/groups?result=${mode}#result-title`, 'groupsAssigned');
    },
  );

  app.post(
    '/admin/events/:id/groups/move',
    { config: onEvent('organiser'), schema: { params, body } },
    async (request, reply) => {
      const groupId = formText(request.body, 'groupId') ? postedId(request.body, 'groupId') : null;
      const registrationId = postedId(request.body, 'registrationId');
      const locked = formText(request.body, 'locked') === '1';
      // The page's move form asks first: the effect on both balances, then a confirmation (a lock alone is saved).
      if (formText(request.body, 'step') === 'preview') {
        const ev = await event(request, request.params.id);
        try {
          const preview = await previewMove(request.em, ev, registrationId, groupId);
          if (preview.fromGroupId !== preview.toGroupId)
            return reply.page('admin/group-move-confirm', {
              event: ev,
              preview,
              locked,
              sides: sidesOf(ev),
              sideWord: (key: string) => sideLabel(sidesOf(ev), key).toLocaleLowerCase(request.locale),
              label: (key: string) => structureTypeLabel(ev.structureTypes, key),
            });
        } catch (error) {
          return refused(request, reply, request.params.id, error);
        }
      }
      return change(request, reply, request.params.id, 'groupMoved', (ev) =>
        moveToGroup(request.em, ev, registrationId, groupId, { locked, mail: app.mail.settings }),
      );
    },
  );

  app.post(
    '/admin/events/:id/groups/lock',
    { config: onEvent('organiser'), schema: { params, body } },
    async (request, reply) => {
      const locked = formText(request.body, 'locked') === '1';
      return change(request, reply, request.params.id, locked ? 'groupLocked' : 'groupUnlocked', (ev) =>
        setLocked(request.em, ev, postedId(request.body, 'registrationId'), locked),
      );
    },
  );

  app.post(
    '/admin/events/:id/groups/swap',
    { config: onEvent('organiser'), schema: { params, body } },
    async (request, reply) =>
      change(request, reply, request.params.id, 'groupsSwapped', (ev) =>
        swapGroups(
          request.em,
          ev,
          postedId(request.body, 'first'),
          postedId(request.body, 'second'),
          app.mail.settings,
        ),
      ),
  );

  app.post(
    '/admin/events/:id/groups/publish',
    { config: onEvent('organiser'), schema: { params, body } },
    async (request, reply) => {
      const ev = await event(request, request.params.id);
      const count = await publishAssignments(request.em, ev, app.mail.settings);
      return redirectWithNotice(reply, `/admin/events/${ev.id}/groups`, {
        key: 'assignmentsPublished',
        params: { count },
      });
    },
  );

  async function groupPage(
    request: FastifyRequest,
    reply: FastifyReply,
    params: { id: number; groupId: number },
    template: string,
  ) {
    const ev = await findEvent(request.em, params.id);
    const view = await groupsView(request.em, ev);
    const group = view.groups.find((g) => g.session.id === params.groupId);
    if (!group) throw new AppError('not_found');
    return reply.page(template, {
      event: ev,
      group,
      label: (key: string) => structureTypeLabel(ev.structureTypes, key),
    });
  }

  app.get(
    '/admin/events/:id/groups/:groupId/print',
    { config: onEvent('viewer', { audit: 'exported' }), schema: { params: GroupParams } },
    (request, reply) => groupPage(request, reply, request.params, 'admin/group-print'),
  );
  app.get(
    '/admin/events/:id/groups/:groupId/sign-in',
    { config: onEvent('viewer', { audit: 'exported' }), schema: { params: GroupParams } },
    (request, reply) => groupPage(request, reply, request.params, 'admin/group-sign-in'),
  );

  app.get(
    '/admin/events/:id/groups.csv',
    { config: onEvent('viewer', { audit: 'exported' }), schema: { params } },
    async (request, reply) => {
      const ev = await event(request, request.params.id);
      const csv = groupsCsv(ev, await groupsView(request.em, ev), request.t);
      return reply
        .type('text/csv; charset=utf-8')
        .header('Content-Disposition', `attachment; filename="${ev.slug}-groupes.csv"`)
        .send(Readable.from(csv));
    },
  );
}
