import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { type FieldError, ValidationError } from '../errors.js';
import type { Event } from '../events/event.entity.js';
import { findEvent } from '../events/event.service.js';
import { sendAccountMail } from '../mail/account-mail.js';
import { createInvitedOrganiser, issueInvitationLink } from '../organisers/account.service.js';
import { organiserPages } from '../organisers/guards.js';
import { Organiser } from '../organisers/organiser.entity.js';
import { isEmail } from '../shared/email.js';
import { checkSingleLine } from '../shared/text.js';
import { IdParams, RowId } from '../shared/api-schemas.js';
import { FormBodySchema, formText } from '../shared/form-body.js';
import { saveOrReshow } from '../shared/page-door.js';
import { changeRole, grantRole, isEventRole, removeMember, teamOf } from './access.service.js';
import { EVENT_ROLES } from './event-member.entity.js';
import { onEvent } from '../shared/route-policy.js';

const params = IdParams;
const MemberParams = Type.Object({ id: RowId, memberId: RowId });
// After adding someone whose invitation could not be sent: a warning that stays, not a one-time notice.
const TeamQuery = Type.Object({ notSent: Type.Optional(Type.String({ maxLength: 20 })) });
const body = FormBodySchema;
const ownerOnly = onEvent('owner');

/** The team of an event, managed by its owners: who may see it, who may change it. */
export default async function teamAdminRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  organiserPages(app);

  const teamPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    event: Event,
    extra: Record<string, unknown> = {},
    status = 200,
  ) =>
    reply.page(
      'admin/team',
      { event, members: await teamOf(request.em, event), roles: EVENT_ROLES, values: { role: 'organiser' }, ...extra },
      status,
    );
  const teamUrl = (event: Event) => `/admin/events/${event.id}/team`;

  app.get(
    '/admin/events/:id/team',
    { config: ownerOnly, schema: { params, querystring: TeamQuery } },
    async (request, reply) =>
      teamPage(request, reply, await findEvent(request.em, request.params.id), {
        notSent: request.query.notSent === '1',
      }),
  );

  app.post('/admin/events/:id/team', { config: ownerOnly, schema: { params, body } }, async (request, reply) => {
    const event = await findEvent(request.em, request.params.id);
    const email = formText(request.body, 'email').toLowerCase();
    const role = formText(request.body, 'role');
    const errors: FieldError[] = [];
    if (!isEmail(email)) errors.push({ field: 'email', code: 'email' });
    checkSingleLine(errors, 'name', formText(request.body, 'name'));
    if (!isEventRole(role)) errors.push({ field: 'role', code: 'role_invalid' });
    return saveOrReshow(
      reply,
      async () => {
        if (errors.length || !isEventRole(role)) throw new ValidationError(errors);
        let organiser = await request.em.findOne(Organiser, { email });
        const invited = !organiser;
        if (!organiser)
          organiser = await createInvitedOrganiser(request.em, email, formText(request.body, 'name').slice(0, 200));
        await grantRole(request.em, event, organiser, role);
        if (!invited) return { url: teamUrl(event), notice: 'memberAdded' };
        const token = await issueInvitationLink(request.em, organiser);
        const link = `${app.mail.settings.publicUrl}/admin/password-reset/${token}`;
        const t = request.t;
        return sendAccountMail(
          app.mail,
          email,
          t('team.invitation.mailSubject', { event: event.title }),
          t('team.invitation.mailBody', { by: request.organiser!.name, event: event.title, link }),
        )
          .then(() => ({ url: teamUrl(event), notice: 'memberInvited' }))
          .catch((error) => {
            request.log.error({ err: error }, 'team invitation email not sent');
            return `${teamUrl(event)}?notSent=1`;
          });
      },
      (error) => teamPage(request, reply, event, { values: request.body, errors: error.details }, 400),
    );
  });

  app.post(
    '/admin/events/:id/team/:memberId',
    { config: ownerOnly, schema: { params: MemberParams, body } },
    async (request, reply) => {
      const event = await findEvent(request.em, request.params.id);
      return saveOrReshow(
        reply,
        async () => {
          await changeRole(request.em, event, request.params.memberId, formText(request.body, 'role'));
          return { url: teamUrl(event), notice: 'roleChanged' };
        },
        (error) => teamPage(request, reply, event, { errors: error.details }, error.statusCode),
      );
    },
  );

  app.post(
    '/admin/events/:id/team/:memberId/remove',
    { config: ownerOnly, schema: { params: MemberParams, body } },
    async (request, reply) => {
      const event = await findEvent(request.em, request.params.id);
      return saveOrReshow(
        reply,
        async () => {
          await removeMember(request.em, event, request.params.memberId);
          return { url: teamUrl(event), notice: 'memberRemoved' };
        },
        (error) => teamPage(request, reply, event, { errors: error.details }, error.statusCode),
      );
    },
  );
}
