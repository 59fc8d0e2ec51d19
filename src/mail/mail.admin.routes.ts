import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { EntityManager } from '@mikro-orm/core';
import { memberEventIds, roleAllows } from '../access/access.service.js';
import { type EventRole, EventMember, NOTIFY_CHOICES } from '../access/event-member.entity.js';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { onEvent, onEventRow, signedIn } from '../shared/route-policy.js';
import nodemailer from 'nodemailer';
import { randomBytes } from 'node:crypto';
import { breakouts } from '../events/event-rules.js';
import { AppError } from '../errors.js';
import { findEvent } from '../events/event.service.js';
import { REGISTRATION_STATUSES } from '../registrations/registration.entity.js';
import { IdParams, RowId } from '../shared/api-schemas.js';
import { type FormBody, FormBodySchema, formList, formRawText, formText } from '../shared/form-body.js';
import { redirectWithNotice, saveOrReshow } from '../shared/page-door.js';
import { organiserPages } from '../organisers/guards.js';
import { hidePrivateLinks } from '../registrations/private-link.js';
import { MAX_SELECTED_REGISTRATIONS } from '../registrations/registration-list.js';
import { type OrganiserMessage, queueOrganiserMessage, selectedRecipients } from './organiser-message.js';
import type { OutboxMessage, OutboxStatus } from './outbox.entity.js';
import { OUTBOX_STATUSES, countOutbox, findOutboxMessage, listOutbox, resendFailed } from './outbox.service.js';
import { mailOptions } from './outbox.worker.js';
import { attendeeEmailCatalogue, myNotifyChoice } from './attendee-emails.js';

const params = IdParams;
const MessageParams = Type.Object({ messageId: RowId });
// An unknown status in the address is ignored (the whole list), not refused.
const ListQuery = Type.Object({ status: Type.Optional(Type.String({ maxLength: 40 })) });
// The people ticked on the registrations list, when the message is written to them.
const SelectionQuery = Type.Object({
  ids: Type.Optional(Type.Array(RowId, { maxItems: MAX_SELECTED_REGISTRATIONS })),
});
const body = FormBodySchema;

function readMessageForm(posted: FormBody): OrganiserMessage {
  return {
    subject: formText(posted, 'subject'),
    body: formRawText(posted, 'body'),
    statuses: formList(posted, 'statuses'),
    structureTypes: formList(posted, 'structureTypes'),
    groups: formList(posted, 'groups').map(Number),
    batch: formText(posted, 'batch'),
    registrations: formList(posted, 'registrations').map(Number),
  };
}

/**
 * The message as this role may see it: a viewer gets it with the attendee's private link masked
 * (the link changes or cancels the registration, which a viewer may not do).
 */
function forRole(message: OutboxMessage, role: EventRole | null): OutboxMessage {
  if (roleAllows(role, 'organiser')) return message;
  return {
    ...message,
    text: hidePrivateLinks(message.text),
    html: hidePrivateLinks(message.html),
    ics: message.ics == null ? null : hidePrivateLinks(message.ics),
  };
}

/** Whether this organiser may change things on each event (resend, write): organiser or owner. */
async function changeableEvents(em: EntityManager, organiserId: number): Promise<(eventId: number) => boolean> {
  const rows = await em.find(EventMember, { organiser: organiserId, role: { $in: ['organiser', 'owner'] } });
  const ids = new Set(rows.map((row) => row.event.id));
  return (eventId: number) => ids.has(eventId);
}

const newBatch = () => randomBytes(16).toString('base64url');

/** Organiser pages of the outbox: what went out or will, failures and resending, and messages to attendees. */
export default async function mailAdminRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  organiserPages(app);

  const statusOf = (query: { status?: string }) =>
    OUTBOX_STATUSES.includes(query.status as OutboxStatus) ? (query.status as OutboxStatus) : undefined;

  app.get('/admin/emails', { config: signedIn(), schema: { querystring: ListQuery } }, async (request, reply) => {
    const status = statusOf(request.query);
    const eventIds = await memberEventIds(request.em, request.organiser!.id);
    const { items, total } = await listOutbox(request.em, { status, eventIds });
    return reply.page('admin/emails', {
      event: null,
      canChange: await changeableEvents(request.em, request.organiser!.id),
      items,
      total,
      status,
      statuses: OUTBOX_STATUSES,
      counts: await countOutbox(request.em, eventIds),
      mode: app.mail.mode,
      outboxDir: app.mail.outboxDir,
    });
  });

  app.get(
    '/admin/events/:id/emails',
    { config: onEvent('viewer', { audit: 'viewed' }), schema: { params, querystring: ListQuery } },
    async (request, reply) => {
      const event = await findEvent(request.em, request.params.id);
      const status = statusOf(request.query);
      const { items, total } = await listOutbox(request.em, { event, status });
      const canChange = roleAllows(request.eventRole, 'organiser');
      return reply.page('admin/emails', {
        event,
        canChange: () => canChange,
        items,
        total,
        status,
        statuses: OUTBOX_STATUSES,
        counts: await countOutbox(request.em, event),
        mode: app.mail.mode,
        outboxDir: app.mail.outboxDir,
        catalogue: await attendeeEmailCatalogue(request.em, event),
        notifyChoices: NOTIFY_CHOICES,
        myNotify: await myNotifyChoice(request.em, event, request.organiser!.id),
      });
    },
  );

  app.get(
    '/admin/emails/:messageId',
    { config: onEventRow('message', 'viewer', 'messageId', { audit: 'viewed' }), schema: { params: MessageParams } },
    async (request, reply) => {
      const message = await findOutboxMessage(request.em, request.params.messageId);
      return reply.page('admin/email', { message: forRole(message, request.eventRole), event: message.event });
    },
  );

  /** The message exactly as it is (or would be) sent, to open in a mail program. */
  app.get(
    '/admin/emails/:messageId/message.eml',
    { config: onEventRow('message', 'viewer', 'messageId', { audit: 'viewed' }), schema: { params: MessageParams } },
    async (request, reply) => {
      const message = await findOutboxMessage(request.em, request.params.messageId);
      const composer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
      const info = await composer.sendMail(mailOptions(forRole(message, request.eventRole)));
      return reply
        .type('message/rfc822')
        .header('Content-Disposition', `attachment; filename="message-${message.id}.eml"`)
        .header('Cache-Control', 'no-store')
        .send(info.message as Buffer);
    },
  );

  app.post(
    '/admin/emails/:messageId/resend',
    { config: onEventRow('message', 'organiser', 'messageId'), schema: { params: MessageParams, body } },
    async (request, reply) => {
      const message = await findOutboxMessage(request.em, request.params.messageId);
      const count = await resendFailed(request.em, { id: message.id });
      return redirectWithNotice(reply, `/admin/events/${message.event.id}/emails`, {
        key: 'emailsResent',
        params: { count },
      });
    },
  );

  app.post(
    '/admin/events/:id/emails/resend',
    { config: onEvent('organiser'), schema: { params, body } },
    async (request, reply) => {
      const event = await findEvent(request.em, request.params.id);
      const count = await resendFailed(request.em, { event });
      return redirectWithNotice(reply, `/admin/events/${event.id}/emails`, { key: 'emailsResent', params: { count } });
    },
  );

  const messageForm = async (em: EntityManager, event: Awaited<ReturnType<typeof findEvent>>, ids: number[]) => ({
    event,
    groups: breakouts(event),
    statuses: REGISTRATION_STATUSES,
    recipients: await selectedRecipients(em, event, ids),
  });

  app.get(
    '/admin/events/:id/messages/new',
    { config: onEvent('organiser', { audit: 'viewed' }), schema: { params, querystring: SelectionQuery } },
    async (request, reply) => {
      const event = await findEvent(request.em, request.params.id);
      // Opened from the registrations list with people ticked: the message goes to them.
      const selected = request.query.ids ? await selectedRecipients(request.em, event, request.query.ids) : [];
      if (request.query.ids && !selected.length) throw new AppError('selection_empty');
      return reply.page('admin/message-form', {
        ...(await messageForm(
          request.em,
          event,
          selected.map((r) => r.id),
        )),
        values: {
          statuses: ['confirmed'],
          structureTypes: [],
          groups: [],
          batch: newBatch(),
          registrations: selected.map((r) => r.id),
        },
      });
    },
  );

  app.post(
    '/admin/events/:id/messages',
    { config: onEvent('organiser'), schema: { params, body } },
    async (request, reply) => {
      const event = await findEvent(request.em, request.params.id);
      const input = readMessageForm(request.body);
      return saveOrReshow(
        reply,
        async () => {
          const count = await queueOrganiserMessage(
            request.em,
            event,
            { ...input, batch: input.batch || newBatch() },
            app.mail.settings,
          );
          return { url: `/admin/events/${event.id}/emails`, notice: { key: 'messageQueued', params: { count } } };
        },
        async (error) => {
          const values = { ...input, groups: input.groups.map(String), batch: input.batch || newBatch() };
          // Over the cap, the form is not shown again with part of the people: only the way back to the list.
          const tooMany = error.details.some((e) => e.code === 'recipients_max');
          const form = await messageForm(request.em, event, tooMany ? [] : (input.registrations ?? []));
          return reply.page('admin/message-form', { ...form, values, tooMany, errors: error.details }, 400);
        },
      );
    },
  );
}
