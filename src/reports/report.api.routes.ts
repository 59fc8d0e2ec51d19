import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { onEvent } from '../shared/route-policy.js';
import { findEvent } from '../events/event.service.js';
import { translator } from '../i18n/i18n.js';
import { requireApiToken } from '../organisers/guards.js';
import { IdParams, StringEnum, errorResponses } from '../shared/api-schemas.js';
import type { BreakdownRow } from './percentages.js';
import { questionReports } from './questions.js';
import { REPORT_STATUSES, eventReport, reportSentence } from './report.service.js';
import { sendRegistrationsCsv } from './report.admin.routes.js';
import { sidesReport, sidesSentence, withSides } from './sides-report.js';

const Row = Type.Object({
  key: Type.String(),
  label: Type.String(),
  count: Type.Integer(),
  percent: Type.Integer({ description: 'Rounded so that the rows add up to 100 (largest remainder)' }),
});

export const BreakdownResponse = Type.Object(
  {
    status: Type.String({
      description: 'The registrations counted: confirmed (default), present, waitlisted, cancelled or all',
    }),
    total: Type.Integer(),
    byStructureType: Type.Array(Row),
    byStatus: Type.Object({ confirmed: Type.Integer(), waitlisted: Type.Integer(), cancelled: Type.Integer() }),
    present: Type.Object({ total: Type.Integer(), byStructureType: Type.Array(Row) }),
    byGroup: Type.Array(
      Type.Object({
        groupId: Type.Union([Type.Integer(), Type.Null()], { description: 'null: registrations not in a group' }),
        title: Type.String(),
        total: Type.Integer(),
        present: Type.Integer(),
        byStructureType: Type.Array(Row),
        bySide: Type.Array(Row),
      }),
    ),
    bySide: Type.Array(Row, { description: 'By side (volet): a person set apart by hand counts on their own side' }),
    byQuestion: Type.Array(
      Type.Object({
        key: Type.String(),
        label: Type.String(),
        type: Type.String(),
        total: Type.Integer(),
        options: Type.Array(Row),
      }),
    ),
    sentence: Type.String({
      description: 'Ready to paste, in French: "70 participants, dont 39 % de travailleurs sociaux, …"',
    }),
  },
  { $id: 'Breakdown' },
);

const rows = (list: BreakdownRow[]) => list.map(({ key, label, count, percent }) => ({ key, label, count, percent }));

export default async function reportApiRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.addHook('onRequest', requireApiToken);
  const tags = ['reports'];
  const security = [{ bearer: [] }];

  app.get(
    '/api/v1/events/:id/breakdown',
    {
      config: onEvent('viewer', { audit: 'viewed' }),
      schema: {
        tags,
        security,
        params: IdParams,
        querystring: Type.Object({ status: StringEnum(REPORT_STATUSES, { default: 'confirmed' }) }),
        response: { 200: Type.Ref('Breakdown'), ...errorResponses },
        summary: 'Registrations by structure type, status, breakout group and form question, with percentages',
      },
    },
    async (request) => {
      const event = await findEvent(request.em, request.params.id);
      const status = request.query.status;
      const report = await eventReport(request.em, event, status);
      const questions = await questionReports(request.em, event, status, request.t);
      const sides = await sidesReport(
        request.em,
        event,
        status,
        report.byGroup.map((g) => g.groupId),
      );
      return {
        status,
        total: report.total,
        byStructureType: rows(report.byStructureType),
        byStatus: report.byStatus,
        present: { total: report.present.total, byStructureType: rows(report.present.byStructureType) },
        byGroup: report.byGroup.map((group, i) => ({
          ...group,
          byStructureType: rows(group.byStructureType),
          bySide: rows(sides.byGroup[i].bySide),
        })),
        bySide: rows(sides.bySide),
        byQuestion: questions.map((q) => ({
          key: q.key,
          label: q.label,
          type: q.type,
          total: q.total,
          options: q.options,
        })),
        sentence: withSides(
          reportSentence(report.total, report.byStructureType, status, 'fr', translator('fr')),
          sidesSentence(sides.bySide, 'fr'),
        ),
      };
    },
  );

  app.get(
    '/api/v1/events/:id/registrations.csv',
    {
      config: onEvent('viewer', { audit: 'exported' }),
      schema: {
        tags,
        security,
        params: IdParams,
        querystring: Type.Object({ separator: StringEnum(['semicolon', 'comma'] as const, { default: 'semicolon' }) }),
        response: {
          200: {
            description: 'UTF-8 CSV with a byte-order mark, one line per registration',
            content: { 'text/csv': { schema: { type: 'string' } } },
          },
          ...errorResponses,
        },
        summary: 'Every registration with its answers and group, as CSV (";" by default, for French spreadsheets)',
      },
    },
    async (request, reply) => {
      const event = await findEvent(request.em, request.params.id);
      return sendRegistrationsCsv(request, reply, event, request.query.separator);
    },
  );
}
