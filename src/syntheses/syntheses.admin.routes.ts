import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { Config } from '../config.js';
import type { Event } from '../events/event.entity.js';
import { findEvent } from '../events/event.service.js';
import { ValidationError } from '../errors.js';
import { organiserPages } from '../organisers/guards.js';
import { retentionEndsAt } from '../privacy/privacy.service.js';
import { IdParams, RowId } from '../shared/api-schemas.js';
import { FormBodySchema, formRawText } from '../shared/form-body.js';
import { redirectWithNotice } from '../shared/page-door.js';
import { onEvent } from '../shared/route-policy.js';
import {
  assembleSyntheses,
  findSynthesis,
  groupOf,
  issueFacilitatorLink,
  revokeFacilitatorLink,
  saveSynthesis,
} from './syntheses.service.js';

const GroupParams = Type.Object({ id: RowId, groupId: RowId });
const body = FormBodySchema;

/**
 * The organisers' side of the syntheses: each group's facilitator link (issued, replaced, revoked),
 * a synthesis written or corrected by an organiser, and the document assembling them all (page and A4).
 */
export default async function synthesesAdminRoutes(fastify: FastifyInstance, opts: { config: Config }) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  organiserPages(app);

  async function showList(
    request: FastifyRequest,
    reply: FastifyReply,
    event: Event,
    issued: { groupId: number; url: string } | null = null,
  ) {
    return reply.page('admin/syntheses', {
      event,
      entries: await assembleSyntheses(request.em, event),
      issued,
      validUntil: retentionEndsAt(event),
    });
  }

  app.get(
    '/admin/events/:id/syntheses',
    { config: onEvent('viewer'), schema: { params: IdParams } },
    async (request, reply) => showList(request, reply, await findEvent(request.em, request.params.id)),
  );

  app.get(
    '/admin/events/:id/syntheses/document',
    { config: onEvent('viewer'), schema: { params: IdParams } },
    async (request, reply) => {
      const event = await findEvent(request.em, request.params.id);
      return reply.page('admin/syntheses-document', { event, entries: await assembleSyntheses(request.em, event) });
    },
  );

  // The link is shown on the page this once: only its hash is kept.
  app.post(
    '/admin/events/:id/syntheses/:groupId/link',
    { config: onEvent('organiser'), schema: { params: GroupParams, body } },
    async (request, reply) => {
      const event = await findEvent(request.em, request.params.id);
      const token = await issueFacilitatorLink(request.em, event, request.params.groupId);
      const url = `${opts.config.publicUrl}/f/${token}`;
      return showList(request, reply, event, { groupId: request.params.groupId, url });
    },
  );

  app.post(
    '/admin/events/:id/syntheses/:groupId/link/revoke',
    { config: onEvent('organiser'), schema: { params: GroupParams, body } },
    async (request, reply) => {
      const event = await findEvent(request.em, request.params.id);
      await revokeFacilitatorLink(request.em, event, request.params.groupId);
      return redirectWithNotice(reply, `/admin/events/${event.id}/syntheses`, 'facilitatorLinkRevoked');
    },
  );

  app.get(
    '/admin/events/:id/syntheses/:groupId',
    { config: onEvent('organiser'), schema: { params: GroupParams } },
    async (request, reply) => {
      const event = await findEvent(request.em, request.params.id);
      const group = groupOf(event, request.params.groupId);
      const synthesis = await findSynthesis(request.em, group);
      return reply.page('admin/synthesis-form', { event, group, values: { text: synthesis?.text ?? '' } });
    },
  );

  app.post(
    '/admin/events/:id/syntheses/:groupId',
    { config: onEvent('organiser'), schema: { params: GroupParams, body } },
    async (request, reply) => {
      const event = await findEvent(request.em, request.params.id);
      const group = groupOf(event, request.params.groupId);
      const text = formRawText(request.body, 'text');
      try {
        await saveSynthesis(request.em, group, text, request.organiser?.email ?? 'organiser');
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        return reply.page(
          'admin/synthesis-form',
          { event, group, values: { text }, errors: error.details, labelFor: () => request.t('syntheses.textLabel') },
          400,
        );
      }
      return redirectWithNotice(reply, `/admin/events/${event.id}/syntheses#group-${group.id}`, 'synthesisSaved');
    },
  );
}
