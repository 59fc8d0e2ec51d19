import { memberEventIds } from '../access/access.service.js';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { onEvent, signedIn } from '../shared/route-policy.js';
import { Readable } from 'node:stream';
import type { Event } from '../events/event.entity.js';
import { findEvent } from '../events/event.service.js';
import { KEY_PATTERN } from '../events/structure-types.js';
import { AppError, notFound } from '../errors.js';
import { organiserPages } from '../organisers/guards.js';
import { IdParams, RowId } from '../shared/api-schemas.js';
import { barChartSvg } from './chart.js';
import { exportColumns, registrationsCsv, registrationsXlsx } from './export.js';
import { formatNumberEn, formatNumberFr, formatPercentEn, formatPercentFr } from './percentages.js';
import { questionReports } from './questions.js';
import { surveyResults } from '../surveys/survey-results.js';
import { sidesByComparedStatus, sidesReport, sidesSentence, withSides } from './sides-report.js';
import { REPORT_STATUSES, eventReport, reportSentence, reportStatus, seriesReport } from './report.service.js';
import { attendanceByMeeting } from '../cycles/attendance.service.js';
import { isCycle } from '../cycles/meetings.js';

const params = IdParams;
// An unknown status in the address falls back to the confirmed, not refused.
const StatusQuery = Type.Object({ status: Type.Optional(Type.String({ maxLength: 40 })) });

/** Sends the registrations CSV (`?separator=comma` for a comma-separated file), streamed. */
export async function sendRegistrationsCsv(
  request: FastifyRequest,
  reply: FastifyReply,
  event: Event,
  separatorName: string | undefined,
  only?: ReadonlySet<number>,
) {
  const separator = separatorName === 'comma' ? ',' : ';';
  const columns = await exportColumns(request.em, event, request.t, request.locale);
  const name = only ? 'inscriptions-selection' : 'inscriptions';
  return reply
    .type('text/csv; charset=utf-8')
    .header('Content-Disposition', `attachment; filename="${event.slug}-${name}.csv"`)
    .header('Cache-Control', 'no-store')
    .send(Readable.from(registrationsCsv(request.em, event, columns, separator, only)));
}

export default async function reportAdminRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  organiserPages(app);

  app.get(
    '/admin/events/:id/report',
    { config: onEvent('viewer', { audit: 'viewed' }), schema: { params, querystring: StatusQuery } },
    async (request, reply) => {
      const event = await findEvent(request.em, request.params.id);
      const status = reportStatus(request.query.status);
      const report = await eventReport(request.em, event, status);
      const locale = request.locale;
      const t = request.t;
      const sides = await sidesReport(
        request.em,
        event,
        status,
        report.byGroup.map((g) => g.groupId),
      );
      const chart = barChartSvg(report.byStructureType, {
        title: t('report.chartTitle', { status: t(`report.status.${status}`) }),
        locale,
        width: 560,
        id: 'chart-structure-types',
      });
      return reply.page('admin/report', {
        event,
        report,
        status,
        statuses: REPORT_STATUSES,
        chart,
        sentence: withSides(
          reportSentence(report.total, report.byStructureType, status, locale, t),
          sidesSentence(sides.bySide, locale),
          locale,
        ),
        sides,
        questions: await questionReports(request.em, event, status, t),
        // A cycle of meetings: the confirmed people's attendance at each one.
        meetings: isCycle(event) ? await attendanceByMeeting(request.em, event) : null,
        survey: await surveyResults(request.em, event, t, locale),
        pct: locale === 'fr' ? formatPercentFr : formatPercentEn,
        num: locale === 'fr' ? formatNumberFr : formatNumberEn,
      });
    },
  );

  // Across the organiser's own events of a series: about no one event, so any signed-in organiser.
  app.get(
    '/admin/series/:series',
    {
      config: signedIn(),
      schema: { params: Type.Object({ series: Type.String({ maxLength: 80 }) }), querystring: StatusQuery },
    },
    async (request, reply) => {
      const series = request.params.series;
      if (!KEY_PATTERN.test(series)) throw notFound();
      const status = reportStatus(request.query.status);
      const report = await seriesReport(
        request.em,
        series,
        status,
        await memberEventIds(request.em, request.organiser!.id),
      );
      if (report.events.length === 0) throw notFound();
      return reply.page('admin/series', {
        report,
        status,
        statuses: REPORT_STATUSES,
        pct: request.locale === 'fr' ? formatPercentFr : formatPercentEn,
        num: request.locale === 'fr' ? formatNumberFr : formatNumberEn,
      });
    },
  );

  app.get(
    '/admin/events/:id/registrations.csv',
    {
      config: onEvent('viewer', { audit: 'exported' }),
      schema: { params, querystring: Type.Object({ separator: Type.Optional(Type.String({ maxLength: 20 })) }) },
    },
    async (request, reply) => {
      const event = await findEvent(request.em, request.params.id);
      return sendRegistrationsCsv(request, reply, event, request.query.separator);
    },
  );

  // The rows ticked on the registrations list (its selection form sends their ids).
  app.get(
    '/admin/events/:id/registrations/selection.csv',
    {
      config: onEvent('viewer', { audit: 'exported' }),
      schema: {
        params,
        querystring: Type.Object({
          ids: Type.Optional(Type.Array(RowId, { maxItems: 5000 })),
          separator: Type.Optional(Type.String({ maxLength: 20 })),
        }),
      },
    },
    async (request, reply) => {
      const event = await findEvent(request.em, request.params.id);
      const only = new Set(request.query.ids ?? []);
      if (!only.size) throw new AppError('selection_empty');
      return sendRegistrationsCsv(request, reply, event, request.query.separator, only);
    },
  );

  app.get(
    '/admin/events/:id/registrations.xlsx',
    { config: onEvent('viewer', { audit: 'exported' }), schema: { params } },
    async (request, reply) => {
      const event = await findEvent(request.em, request.params.id);
      const columns = await exportColumns(request.em, event, request.t, request.locale);
      const report = await eventReport(request.em, event, 'confirmed');
      const groupIds = report.byGroup.map((g) => g.groupId);
      const sides = await sidesByComparedStatus(request.em, event, groupIds);
      return reply
        .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('Content-Disposition', `attachment; filename="${event.slug}-inscriptions.xlsx"`)
        .header('Cache-Control', 'no-store')
        .send(registrationsXlsx(request.em, event, columns, report, request.t, sides));
    },
  );
}
