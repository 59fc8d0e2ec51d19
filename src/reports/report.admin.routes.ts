import { memberEventIds } from '../access/access.service.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Readable } from 'node:stream';
import type { Event } from '../events/event.entity.js';
import { findEvent } from '../events/event.service.js';
import { KEY_PATTERN } from '../events/structure-types.js';
import { notFound } from '../errors.js';
import { organiserPages } from '../organisers/guards.js';
import { barChartSvg } from './chart.js';
import { exportColumns, registrationsCsv, registrationsXlsx } from './export.js';
import { formatNumberEn, formatNumberFr, formatPercentEn, formatPercentFr } from './percentages.js';
import { questionReports } from './questions.js';
import { REPORT_STATUSES, eventReport, reportSentence, reportStatus, seriesReport } from './report.service.js';

type IdParams = { id: string };

/** Sends the registrations CSV (`?separator=comma` for a comma-separated file), streamed. */
export async function sendRegistrationsCsv(
  request: FastifyRequest,
  reply: FastifyReply,
  event: Event,
  separatorName: string | undefined,
) {
  const separator = separatorName === 'comma' ? ',' : ';';
  const columns = await exportColumns(request.em, event, request.t, request.locale);
  return reply
    .type('text/csv; charset=utf-8')
    .header('Content-Disposition', `attachment; filename="${event.slug}-inscriptions.csv"`)
    .header('Cache-Control', 'no-store')
    .send(Readable.from(registrationsCsv(request.em, event, columns, separator)));
}

export default async function reportAdminRoutes(app: FastifyInstance) {
  organiserPages(app);

  app.get<{ Params: IdParams; Querystring: { status?: string } }>(
    '/admin/events/:id/report',
    async (request, reply) => {
      const event = await findEvent(request.em, Number(request.params.id));
      const status = reportStatus(request.query.status);
      const report = await eventReport(request.em, event, status);
      const locale = request.locale;
      const t = request.t;
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
        sentence: reportSentence(report.total, report.byStructureType, status, locale, t),
        questions: await questionReports(request.em, event, status, t),
        pct: locale === 'fr' ? formatPercentFr : formatPercentEn,
        num: locale === 'fr' ? formatNumberFr : formatNumberEn,
      });
    },
  );

  app.get<{ Params: { series: string }; Querystring: { status?: string } }>(
    '/admin/series/:series',
    async (request, reply) => {
      const series = request.params.series;
      if (!KEY_PATTERN.test(series) || series.length > 80) throw notFound();
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

  app.get<{ Params: IdParams; Querystring: { separator?: string } }>(
    '/admin/events/:id/registrations.csv',
    async (request, reply) => {
      const event = await findEvent(request.em, Number(request.params.id));
      return sendRegistrationsCsv(request, reply, event, request.query.separator);
    },
  );

  app.get<{ Params: IdParams }>('/admin/events/:id/registrations.xlsx', async (request, reply) => {
    const event = await findEvent(request.em, Number(request.params.id));
    const columns = await exportColumns(request.em, event, request.t, request.locale);
    const report = await eventReport(request.em, event, 'confirmed');
    return reply
      .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .header('Content-Disposition', `attachment; filename="${event.slug}-inscriptions.xlsx"`)
      .header('Cache-Control', 'no-store')
      .send(registrationsXlsx(request.em, event, columns, report, request.t));
  });
}
