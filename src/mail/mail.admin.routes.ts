import type { EntityManager } from '@mikro-orm/core';
import { memberEventIds, roleAllows } from '../access/access.service.js';
import { type EventRole, EventMember } from '../access/event-member.entity.js';
import type { FastifyInstance } from 'fastify';
import nodemailer from 'nodemailer';
import { randomBytes } from 'node:crypto';
import type { FormBody } from '../shared/form-body.js';
import { breakouts } from '../events/event-rules.js';
import { findEvent } from '../events/event.service.js';
import { ValidationError } from '../errors.js';
import { organiserPages } from '../organisers/guards.js';
import { hidePrivateLinks } from '../registrations/private-link.js';
import { type OrganiserMessage, queueOrganiserMessage } from './organiser-message.js';
import type { OutboxMessage, OutboxStatus } from './outbox.entity.js';
import { OUTBOX_STATUSES, countOutbox, findOutboxMessage, listOutbox, resendFailed } from './outbox.service.js';
import { mailOptions } from './outbox.worker.js';

type IdParams = { id: string };
type MessageParams = { messageId: string };
type ListQuery = { status?: string; queued?: string; resent?: string };

const list = (body: FormBody, key: string) => {
  const value = body[key];
  return (Array.isArray(value) ? value : value === undefined ? [] : [value]).map((v) => v.trim()).filter(Boolean);
};
const str = (body: FormBody, key: string) => list(body, key)[0] ?? '';

function readMessageForm(body: FormBody): OrganiserMessage {
  return {
    subject: str(body, 'subject'),
    body: (Array.isArray(body.body) ? body.body[0] : body.body) ?? '',
    statuses: list(body, 'statuses'),
    structureTypes: list(body, 'structureTypes'),
    groups: list(body, 'groups').map(Number),
    batch: str(body, 'batch'),
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
    ics: message.ics === null ? null : hidePrivateLinks(message.ics),
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
export default async function mailAdminRoutes(app: FastifyInstance) {
  organiserPages(app);

  const statusOf = (query: ListQuery) =>
    OUTBOX_STATUSES.includes(query.status as OutboxStatus) ? (query.status as OutboxStatus) : undefined;
  const notices = (query: ListQuery) => ({
    queued: Number(query.queued) || null,
    resent: Number(query.resent) || null,
  });

  app.get<{ Querystring: ListQuery }>('/admin/emails', async (request, reply) => {
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
      ...notices(request.query),
    });
  });

  app.get<{ Params: IdParams; Querystring: ListQuery }>('/admin/events/:id/emails', async (request, reply) => {
    const event = await findEvent(request.em, Number(request.params.id));
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
      ...notices(request.query),
    });
  });

  app.get<{ Params: MessageParams }>('/admin/emails/:messageId', async (request, reply) => {
    const message = await findOutboxMessage(request.em, Number(request.params.messageId));
    return reply.page('admin/email', { message: forRole(message, request.eventRole), event: message.event });
  });

  /** The message exactly as it is (or would be) sent, to open in a mail program. */
  app.get<{ Params: MessageParams }>('/admin/emails/:messageId/message.eml', async (request, reply) => {
    const message = await findOutboxMessage(request.em, Number(request.params.messageId));
    const composer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
    const info = await composer.sendMail(mailOptions(forRole(message, request.eventRole)));
    return reply
      .type('message/rfc822')
      .header('Content-Disposition', `attachment; filename="message-${message.id}.eml"`)
      .header('Cache-Control', 'no-store')
      .send(info.message as Buffer);
  });

  app.post<{ Params: MessageParams }>('/admin/emails/:messageId/resend', async (request, reply) => {
    const message = await findOutboxMessage(request.em, Number(request.params.messageId));
    const count = await resendFailed(request.em, { id: message.id });
    return reply.redirect(`/admin/events/${message.event.id}/emails?resent=${count}`, 303);
  });

  app.post<{ Params: IdParams }>('/admin/events/:id/emails/resend', async (request, reply) => {
    const event = await findEvent(request.em, Number(request.params.id));
    const count = await resendFailed(request.em, { event });
    return reply.redirect(`/admin/events/${event.id}/emails?resent=${count}`, 303);
  });

  const messageForm = (event: Awaited<ReturnType<typeof findEvent>>) => ({
    event,
    groups: breakouts(event),
    statuses: ['confirmed', 'waitlisted', 'cancelled'],
  });

  app.get<{ Params: IdParams }>('/admin/events/:id/messages/new', async (request, reply) => {
    const event = await findEvent(request.em, Number(request.params.id));
    return reply.page('admin/message-form', {
      ...messageForm(event),
      values: { statuses: ['confirmed'], structureTypes: [], groups: [], batch: newBatch() },
    });
  });

  app.post<{ Params: IdParams; Body: FormBody }>('/admin/events/:id/messages', async (request, reply) => {
    const event = await findEvent(request.em, Number(request.params.id));
    const input = readMessageForm(request.body ?? {});
    try {
      const count = await queueOrganiserMessage(
        request.em,
        event,
        { ...input, batch: input.batch || newBatch() },
        app.mail.settings,
      );
      return reply.redirect(`/admin/events/${event.id}/emails?queued=${count}`, 303);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      const values = { ...input, groups: input.groups.map(String), batch: input.batch || newBatch() };
      return reply.page('admin/message-form', { ...messageForm(event), values, errors: error.details }, 400);
    }
  });
}
