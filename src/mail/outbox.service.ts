import type { EntityManager } from '@mikro-orm/core';
// The knex-based EntityManager of both drivers (SQLite and PostgreSQL), for the query builder.
import type { SqlEntityManager } from '@mikro-orm/better-sqlite';
import type { Event } from '../events/event.entity.js';
import { notFound } from '../errors.js';
import type { Registration } from '../registrations/registration.entity.js';
import { type CalendarMethod, type MailKind, OutboxMessage, type OutboxStatus } from './outbox.entity.js';

/** What the mail domain needs from the configuration to write an email. */
export interface MailSettings {
  publicUrl: string;
  /** MAIL_FROM: the address every email is sent from, and the sender name when the event has none. */
  from: { name: string; address: string };
}

export interface NewMail {
  /** Null for an email about an organiser's own account: no event's pages ever list it. */
  event: Event | null;
  registration: Registration | null;
  kind: MailKind;
  /** Names the cause: the same key is never queued twice (the database refuses it, the insert skips it). */
  dedupeKey: string;
  recipient: string;
  recipientName: string;
  locale: string;
  subject: string;
  text: string;
  html: string;
  ics?: string | null;
  icsMethod?: CalendarMethod | null;
}

export const OUTBOX_STATUSES: OutboxStatus[] = ['pending', 'sending', 'sent', 'failed'];

/** The sender of an event's emails: the organiser's name, MAIL_FROM's address, the event's reply-to. */
export function senderOf(event: Event, settings: MailSettings) {
  return {
    fromName: event.organiserName || settings.from.name,
    fromAddress: settings.from.address,
    replyTo: event.replyTo || null,
    /** ORGANIZER of the invites: whoever answers the attendees. */
    organiserEmail: event.replyTo || settings.from.address,
    organiserName: event.organiserName || settings.from.name,
  };
}

/**
 * Stores emails in the caller's transaction (so they exist exactly when what caused them does).
 * A message whose dedupe key is already queued is skipped, not an error, so retried or repeated
 * operations (a form posted twice) never queue the same email twice. One without a recipient (a
 * person registered without an address) is dropped.
 */
export async function enqueue(
  em: EntityManager,
  mails: NewMail[],
  settings: MailSettings,
  now = new Date(),
): Promise<void> {
  // A person registered without an address (by hand, a walk-in) is sent nothing, whatever the cause.
  const addressed = mails.filter((mail) => mail.recipient !== '');
  const rows = addressed.map((mail) => {
    const sender = mail.event
      ? senderOf(mail.event, settings)
      : { fromName: settings.from.name, fromAddress: settings.from.address, replyTo: null };
    return {
      event: mail.event?.id ?? null,
      registration: mail.registration?.id ?? null,
      kind: mail.kind,
      dedupeKey: mail.dedupeKey,
      recipient: mail.recipient,
      recipientName: mail.recipientName.slice(0, 200),
      locale: mail.locale,
      fromName: sender.fromName.slice(0, 200),
      fromAddress: sender.fromAddress,
      replyTo: sender.replyTo,
      subject: mail.subject.slice(0, 300),
      text: mail.text,
      html: mail.html,
      ics: mail.ics ?? null,
      icsMethod: mail.icsMethod ?? null,
      status: 'pending' as OutboxStatus,
      attempts: 0,
      nextAttemptAt: now,
      claimedUntil: null,
      claimToken: null,
      lastError: null,
      sentAt: null,
      createdAt: now,
      updatedAt: now,
    };
  });
  for (let i = 0; i < rows.length; i += 100) {
    await (em as SqlEntityManager)
      .createQueryBuilder(OutboxMessage)
      .insert(rows.slice(i, i + 100))
      .onConflict('dedupeKey')
      .ignore()
      .execute('run');
  }
}

export interface OutboxFilter {
  event?: Event;
  /** Only the emails of these events (those the organiser is on the team of). */
  eventIds?: number[];
  status?: OutboxStatus;
  limit?: number;
}

export async function listOutbox(em: EntityManager, filter: OutboxFilter = {}) {
  const where: Record<string, unknown> = {};
  if (filter.event) where.event = filter.event.id;
  else if (filter.eventIds) where.event = { $in: filter.eventIds };
  // Emails of no event (an organiser's own account) are never listed.
  else where.event = { $ne: null };
  if (filter.status) where.status = filter.status;
  const [items, total] = await em.findAndCount(OutboxMessage, where, {
    orderBy: { id: 'desc' },
    limit: filter.limit ?? 500,
    populate: ['event'],
  });
  return { items, total };
}

/** Emails by status: of one event, of a list of events, or of all. */
export async function countOutbox(em: EntityManager, scope?: Event | number[]): Promise<Record<OutboxStatus, number>> {
  const counts: Record<OutboxStatus, number> = { pending: 0, sending: 0, sent: 0, failed: 0 };
  const ids = scope === undefined ? null : Array.isArray(scope) ? scope : [scope.id];
  const where =
    ids === null
      ? ' where event_id is not null'
      : ids.length
        ? ` where event_id in (${ids.map(() => '?').join(', ')})`
        : ' where 1 = 0';
  const rows: { status: OutboxStatus; count: number | string }[] = await em
    .getConnection()
    .execute(
      `select status, count(*) as count from outbox_message${where} group by status`,
      ids ?? [],
      'all',
      em.getTransactionContext(),
    );
  for (const row of rows) counts[row.status] = Number(row.count);
  return counts;
}

/** An event's email; an email of no event (an organiser's own account) is not found, for everyone. */
export async function findOutboxMessage(em: EntityManager, id: number): Promise<OutboxMessage & { event: Event }> {
  const message = Number.isSafeInteger(id)
    ? await em.findOne(OutboxMessage, { id, event: { $ne: null } }, { populate: ['event'] })
    : null;
  if (!message?.event) throw notFound();
  return message as OutboxMessage & { event: Event };
}

/**
 * Puts failed messages back in the queue (attempts start again). Only `failed` ones: a message that
 * was sent is never sent again by this, and one still queued keeps its place.
 */
export async function resendFailed(
  em: EntityManager,
  where: { id?: number; event?: Event },
  now = new Date(),
): Promise<number> {
  const filter: Record<string, unknown> = { status: 'failed' };
  if (where.id !== undefined) filter.id = where.id;
  if (where.event) filter.event = where.event.id;
  return em.nativeUpdate(OutboxMessage, filter, {
    status: 'pending',
    attempts: 0,
    nextAttemptAt: now,
    claimedUntil: null,
    claimToken: null,
    updatedAt: now,
  });
}
