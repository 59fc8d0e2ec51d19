import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { roleAllows } from '../access/access.service.js';
import { NOTIFY_CHOICES, type NotifyChoice } from '../access/event-member.entity.js';
import { notFound } from '../errors.js';
import { findEvent } from '../events/event.service.js';
import { organiserPages } from '../organisers/guards.js';
import { hidePrivateLinks } from '../registrations/private-link.js';
import { IdParams, RowId } from '../shared/api-schemas.js';
import { FormBodySchema, formText } from '../shared/form-body.js';
import { redirectWithNotice } from '../shared/page-door.js';
import { onEvent } from '../shared/route-policy.js';
import { PREVIEW_KINDS, type PreviewKind, previewMail, setNotifyChoice } from './attendee-emails.js';

const PreviewParams = Type.Object({ id: RowId, kind: Type.String({ maxLength: 40 }) });
const params = IdParams;

/** Previews of the planned attendee emails, and each team member's choice of registration notices. */
export default async function attendeeEmailsAdminRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  organiserPages(app);

  app.get(
    '/admin/events/:id/emails/preview/:kind',
    { config: onEvent('viewer', { audit: 'viewed' }), schema: { params: PreviewParams } },
    async (request, reply) => {
      const event = await findEvent(request.em, request.params.id);
      const kind = request.params.kind as PreviewKind;
      if (!PREVIEW_KINDS.includes(kind)) throw notFound();
      const mail = await previewMail(request.em, event, kind, app.mail.settings);
      // A viewer may not act on an attendee's registration: their private link is masked.
      const text = roleAllows(request.eventRole, 'organiser') ? mail.text : hidePrivateLinks(mail.text);
      return reply.page('admin/email-preview', { event, kind, mail: { ...mail, text } });
    },
  );

  app.post(
    '/admin/events/:id/emails/notify',
    { config: onEvent('viewer'), schema: { params, body: FormBodySchema } },
    async (request, reply) => {
      const event = await findEvent(request.em, request.params.id);
      const choice = formText(request.body, 'notify') as NotifyChoice;
      if (NOTIFY_CHOICES.includes(choice)) await setNotifyChoice(request.em, event, request.organiser!.id, choice);
      return redirectWithNotice(reply, `/admin/events/${event.id}/emails#notify`, 'notifyChoiceSaved');
    },
  );
}
