import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { memberEventIds } from '../access/access.service.js';
import { organiserPages } from '../organisers/guards.js';
import { barChartSvg } from '../reports/chart.js';
import { formatNumberEn, formatNumberFr, formatPercentEn, formatPercentFr } from '../reports/percentages.js';
import { signedIn } from '../shared/route-policy.js';
import { yearsChartSvg } from './network-chart.js';
import { networkCsv, networkXlsx } from './network-export.js';
import { networkReport, yearRange } from './network.service.js';

// Text, not integers: a year mistyped in the address shows every year rather than an error page.
const RangeQuery = Type.Object({
  from: Type.Optional(Type.String({ maxLength: 10 })),
  to: Type.Optional(Type.String({ maxLength: 10 })),
});

const year = (text: string | undefined) => (text && /^\d{4}$/.test(text.trim()) ? Number(text.trim()) : undefined);

/** The years asked for, over the events the organiser is on the team of. */
async function report(request: FastifyRequest, query: { from?: string; to?: string }) {
  const asked = { from: year(query.from), to: year(query.to) };
  const range = yearRange(asked.from, asked.to);
  const ids = await memberEventIds(request.em, request.organiser!.id);
  return { asked, range, ...(await networkReport(request.em, ids, range)) };
}

const fileName = (range: { from: number; to: number }, ext: string) => `reseau-${range.from}-${range.to}.${ext}`;

export default async function networkAdminRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  organiserPages(app);

  // Across the organiser's own events: about no one event, so any signed-in organiser.
  app.get('/admin/network', { config: signedIn(), schema: { querystring: RangeQuery } }, async (request, reply) => {
    const { asked, years } = await report(request, request.query);
    const t = request.t;
    const locale = request.locale;
    const newest = [...years].reverse();
    const chart = (rows: { label: string; count: number; percent: number }[], title: string, id: string) =>
      barChartSvg(rows, { title, locale, width: 560, id });
    return reply.page('admin/network', {
      asked,
      years: newest,
      yearsChart: yearsChartSvg(years, {
        title: t('network.chartYears'),
        locale,
        newLabel: (n) => t('network.chartNew', { n, count: n }),
        returningLabel: (n) => t('network.chartReturning', { n, count: n }),
        empty: t('network.none'),
      }),
      typeCharts: newest.map((y) =>
        chart(y.byStructureType, t('network.chartTypes', { year: y.year }), `chart-types-${y.year}`),
      ),
      sideCharts: newest.map((y) =>
        chart(y.bySide, t('network.chartSides', { year: y.year }), `chart-sides-${y.year}`),
      ),
      query: new URLSearchParams(
        Object.entries(asked).flatMap(([k, v]) => (v === undefined ? [] : [[k, String(v)]])),
      ).toString(),
      pct: locale === 'fr' ? formatPercentFr : formatPercentEn,
      num: locale === 'fr' ? formatNumberFr : formatNumberEn,
    });
  });

  app.get('/admin/network.csv', { config: signedIn(), schema: { querystring: RangeQuery } }, async (request, reply) => {
    const { range, years } = await report(request, request.query);
    return reply
      .type('text/csv; charset=utf-8')
      .header('Content-Disposition', `attachment; filename="${fileName(range, 'csv')}"`)
      .header('Cache-Control', 'no-store')
      .send(networkCsv(years, request.t));
  });

  app.get(
    '/admin/network.xlsx',
    { config: signedIn(), schema: { querystring: RangeQuery } },
    async (request, reply) => {
      const { range, years } = await report(request, request.query);
      return reply
        .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('Content-Disposition', `attachment; filename="${fileName(range, 'xlsx')}"`)
        .header('Cache-Control', 'no-store')
        .send(await networkXlsx(years, request.t));
    },
  );
}
