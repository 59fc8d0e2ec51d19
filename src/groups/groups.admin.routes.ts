import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Readable } from 'node:stream';
import type { Event } from '../events/event.entity.js';
import { findEvent } from '../events/event.service.js';
import { structureTypeLabel } from '../events/structure-types.js';
import { AppError } from '../errors.js';
import type { Translate } from '../i18n/i18n.js';
import { organiserPages } from '../organisers/guards.js';
import { groupsCsv } from '../reports/export.js';
import type { AssignmentReport } from './assignment/index.js';
import {
  type AssignMode,
  type GroupsView,
  assignedCount,
  autoAssign,
  groupsView,
  moveToGroup,
  publishAssignments,
  setLocked,
  swapGroups,
} from './groups.service.js';

type IdParams = { id: string };
type GroupParams = { id: string; groupId: string };
type Body = Record<string, string | undefined>;

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
    if (problem.params.person != null)
      params.person = people.get(Number(problem.params.person)) ?? String(problem.params.person);
    return t(`groups.problems.${problem.code}`, params);
  });
}

export default async function groupsAdminRoutes(app: FastifyInstance) {
  organiserPages(app);

  const event = (request: FastifyRequest<{ Params: IdParams }>) => findEvent(request.em, Number(request.params.id));

  async function page(
    request: FastifyRequest,
    reply: FastifyReply,
    ev: Event,
    extra: Record<string, unknown> = {},
    status = 200,
  ) {
    const view = await groupsView(request.em, ev);
    const report = extra.report as AssignmentReport | undefined;
    return reply.page(
      'admin/groups',
      {
        ...view,
        label: (key: string) => structureTypeLabel(ev.structureTypes, key),
        concerned: await assignedCount(request.em, ev),
        problems: report ? describeProblems(view, report, request.t) : [],
        ...extra,
      },
      status,
    );
  }

  /** A manual change; a refused one re-shows the page with the reason. */
  async function change(
    request: FastifyRequest<{ Params: IdParams }>,
    reply: FastifyReply,
    run: (ev: Event) => Promise<unknown>,
  ) {
    const ev = await event(request);
    try {
      await run(ev);
      return reply.redirect(`/admin/events/${ev.id}/groups#groups`, 303);
    } catch (error) {
      if (!(error instanceof AppError) || error.statusCode >= 500 || error.statusCode === 404) throw error;
      request.em.clear();
      return page(request, reply, await event(request), { problem: error.code }, error.statusCode);
    }
  }

  app.get<{ Params: IdParams; Querystring: { published?: string } }>(
    '/admin/events/:id/groups',
    async (request, reply) => {
      const ev = await event(request);
      return page(request, reply, ev, {
        justPublished: request.query.published != null ? Number(request.query.published) : null,
      });
    },
  );

  app.post<{ Params: IdParams; Body: Body }>('/admin/events/:id/groups/auto', async (request, reply) => {
    const ev = await event(request);
    const mode: AssignMode = request.body?.mode === 'all' ? 'all' : 'unassigned';
    const report = await autoAssign(request.em, ev, mode, app.mail.settings);
    return page(request, reply, ev, { report, mode });
  });

  app.post<{ Params: IdParams; Body: Body }>('/admin/events/:id/groups/move', async (request, reply) =>
    change(request, reply, (ev) => {
      const groupId = request.body?.groupId ? Number(request.body.groupId) : null;
      return moveToGroup(request.em, ev, Number(request.body?.registrationId), groupId, {
        locked: request.body?.locked === '1',
        mail: app.mail.settings,
      });
    }),
  );

  app.post<{ Params: IdParams; Body: Body }>('/admin/events/:id/groups/lock', async (request, reply) =>
    change(request, reply, (ev) =>
      setLocked(request.em, ev, Number(request.body?.registrationId), request.body?.locked === '1'),
    ),
  );

  app.post<{ Params: IdParams; Body: Body }>('/admin/events/:id/groups/swap', async (request, reply) =>
    change(request, reply, (ev) =>
      swapGroups(request.em, ev, Number(request.body?.first), Number(request.body?.second), app.mail.settings),
    ),
  );

  app.post<{ Params: IdParams }>('/admin/events/:id/groups/publish', async (request, reply) => {
    const ev = await event(request);
    const count = await publishAssignments(request.em, ev, app.mail.settings);
    return reply.redirect(`/admin/events/${ev.id}/groups?published=${count}`, 303);
  });

  async function groupPage(request: FastifyRequest<{ Params: GroupParams }>, reply: FastifyReply, template: string) {
    const ev = await findEvent(request.em, Number(request.params.id));
    const view = await groupsView(request.em, ev);
    const group = view.groups.find((g) => g.session.id === Number(request.params.groupId));
    if (!group) throw new AppError('not_found');
    return reply.page(template, {
      event: ev,
      group,
      label: (key: string) => structureTypeLabel(ev.structureTypes, key),
    });
  }

  app.get<{ Params: GroupParams }>('/admin/events/:id/groups/:groupId/print', (request, reply) =>
    groupPage(request, reply, 'admin/group-print'),
  );
  app.get<{ Params: GroupParams }>('/admin/events/:id/groups/:groupId/sign-in', (request, reply) =>
    groupPage(request, reply, 'admin/group-sign-in'),
  );

  app.get<{ Params: IdParams }>('/admin/events/:id/groups.csv', async (request, reply) => {
    const ev = await event(request);
    const csv = groupsCsv(ev, await groupsView(request.em, ev), request.t);
    return reply
      .type('text/csv; charset=utf-8')
      .header('Content-Disposition', `attachment; filename="${ev.slug}-groupes.csv"`)
      .send(Readable.from(csv));
  });
}
