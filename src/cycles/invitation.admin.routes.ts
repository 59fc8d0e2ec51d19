import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { findEvent } from '../events/event.service.js';
import { organiserPages } from '../organisers/guards.js';
import { IdParams, RowId } from '../shared/api-schemas.js';
import { FormBodySchema, formText } from '../shared/form-body.js';
import { redirectWithNotice, saveOrReshow } from '../shared/page-door.js';
import { onEvent } from '../shared/route-policy.js';
import { inviteAddresses, listInvitations, resendInvitation, revokeInvitation } from './invitation.service.js';

const InvitationParams = Type.Object({ id: RowId, invitationId: RowId });
const body = FormBodySchema;

/** *Invitations*: organisers invite people by email to an event by invitation, and follow who registered. */
export default async function invitationAdminRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  organiserPages(app);
  const pageUrl = (id: number) => `/admin/events/${id}/invitations`;

  app.get(
    '/admin/events/:id/invitations',
    { config: onEvent('viewer', { audit: 'viewed' }), schema: { params: IdParams } },
    async (request, reply) => {
      const event = await findEvent(request.em, request.params.id);
      const rows = await listInvitations(request.em, event);
      return reply.page('admin/invitations', { event, rows, values: { locale: 'fr' } });
    },
  );

  app.post(
    '/admin/events/:id/invitations',
    { config: onEvent('organiser'), schema: { params: IdParams, body } },
    async (request, reply) => {
      const event = await findEvent(request.em, request.params.id);
      const organiser = request.organiser!;
      const values = request.body ?? {};
      return saveOrReshow(
        reply,
        async () => {
          const { invited, already } = await inviteAddresses(request.em, event, formText(values, 'emails'), {
            by: `${organiser.name} <${organiser.email}>`,
            mail: app.mail.settings,
            locale: formText(values, 'locale'),
          });
          return { url: pageUrl(event.id), notice: { key: 'invitationsSent', params: { count: invited, already } } };
        },
        async (error) => {
          const rows = await listInvitations(request.em, event);
          return reply.page('admin/invitations', { event, rows, values, errors: error.details }, error.statusCode);
        },
      );
    },
  );

  app.post(
    '/admin/events/:id/invitations/:invitationId/resend',
    { config: onEvent('organiser'), schema: { params: InvitationParams, body } },
    async (request, reply) => {
      const event = await findEvent(request.em, request.params.id);
      const invitation = await resendInvitation(request.em, event, request.params.invitationId, app.mail.settings);
      return redirectWithNotice(reply, pageUrl(event.id), {
        key: 'invitationResent',
        params: { email: invitation.email },
      });
    },
  );

  app.post(
    '/admin/events/:id/invitations/:invitationId/revoke',
    { config: onEvent('organiser'), schema: { params: InvitationParams, body } },
    async (request, reply) => {
      const event = await findEvent(request.em, request.params.id);
      const invitation = await revokeInvitation(request.em, event, request.params.invitationId);
      return redirectWithNotice(reply, pageUrl(event.id), {
        key: 'invitationRevoked',
        params: { email: invitation.email },
      });
    },
  );
}
