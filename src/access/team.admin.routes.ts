import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ValidationError } from '../errors.js';
import type { Event } from '../events/event.entity.js';
import { findEvent } from '../events/event.service.js';
import { sendAccountMail } from '../organisers/account-mail.js';
import { createInvitedOrganiser, issueInvitationLink } from '../organisers/account.service.js';
import { organiserPages } from '../organisers/guards.js';
import { Organiser } from '../organisers/organiser.entity.js';
import { isEmail } from '../shared/email.js';
import { EVENT_ROLES } from './event-member.entity.js';
import { changeRole, grantRole, isEventRole, removeMember, teamOf } from './access.service.js';
import { checkSingleLine } from '../shared/text.js';

type Body = Record<string, string | undefined>;
type IdParams = { id: string };
type MemberParams = { id: string; memberId: string };

const ownerOnly = { eventRole: 'owner' as const };

/** The team of an event, managed by its owners: who may see it, who may change it. */
export default async function teamAdminRoutes(app: FastifyInstance) {
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

  app.get<{ Params: IdParams; Querystring: { added?: string; invited?: string; notSent?: string } }>(
    '/admin/events/:id/team',
    { config: ownerOnly },
    async (request, reply) =>
      teamPage(request, reply, await findEvent(request.em, Number(request.params.id)), {
        added: request.query.added === '1',
        invited: request.query.invited === '1',
        notSent: request.query.notSent === '1',
      }),
  );

  app.post<{ Params: IdParams; Body: Body }>(
    '/admin/events/:id/team',
    { config: ownerOnly },
    async (request, reply) => {
      const event = await findEvent(request.em, Number(request.params.id));
      const email = (request.body?.email ?? '').trim().toLowerCase();
      const role = request.body?.role ?? '';
      const errors = [];
      if (!isEmail(email)) errors.push({ field: 'email', code: 'email' });
      checkSingleLine(errors, 'name', (request.body?.name ?? '').trim());
      if (!isEventRole(role)) errors.push({ field: 'role', code: 'role_invalid' });
      if (errors.length) return teamPage(request, reply, event, { values: request.body, errors }, 400);
      let organiser = await request.em.findOne(Organiser, { email });
      const invited = !organiser;
      if (!organiser)
        organiser = await createInvitedOrganiser(request.em, email, (request.body?.name ?? '').trim().slice(0, 200));
      await grantRole(request.em, event, organiser, role as (typeof EVENT_ROLES)[number]);
      let notice = 'added';
      if (invited) {
        const token = await issueInvitationLink(request.em, organiser);
        const link = `${app.mail.settings.publicUrl}/admin/password-reset/${token}`;
        const t = request.t;
        notice = await sendAccountMail(
          app.mail,
          email,
          t('team.invitation.mailSubject', { event: event.title }),
          t('team.invitation.mailBody', { by: request.organiser!.name, event: event.title, link }),
        )
          .then(() => 'invited')
          .catch((error) => {
            request.log.error({ err: error }, 'team invitation email not sent');
            return 'notSent';
          });
      }
      return reply.redirect(`/admin/events/${event.id}/team?${notice}=1`, 303);
    },
  );

  app.post<{ Params: MemberParams; Body: Body }>(
    '/admin/events/:id/team/:memberId',
    { config: ownerOnly },
    async (request, reply) => {
      const event = await findEvent(request.em, Number(request.params.id));
      try {
        await changeRole(request.em, event, Number(request.params.memberId), request.body?.role ?? '');
        return reply.redirect(`/admin/events/${event.id}/team`, 303);
      } catch (error) {
        if (error instanceof ValidationError) return teamPage(request, reply, event, { errors: error.details }, 400);
        throw error;
      }
    },
  );

  app.post<{ Params: MemberParams }>(
    '/admin/events/:id/team/:memberId/remove',
    { config: ownerOnly },
    async (request, reply) => {
      const event = await findEvent(request.em, Number(request.params.id));
      try {
        await removeMember(request.em, event, Number(request.params.memberId));
        return reply.redirect(`/admin/events/${event.id}/team`, 303);
      } catch (error) {
        if (error instanceof ValidationError) return teamPage(request, reply, event, { errors: error.details }, 400);
        throw error;
      }
    },
  );
}
