import { type InferEntity, defineEntity, p } from '@mikro-orm/core';
import { Event } from '../events/event.entity.js';
import { Registration } from '../registrations/registration.entity.js';

export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'failed';
export type MailKind =
  | 'confirmation'
  | 'waitlisted'
  | 'promotion'
  | 'update'
  | 'group'
  | 'session_cancelled'
  | 'cancellation'
  | 'moved_to_waitlist'
  | 'message'
  | 'reminder'
  | 'thank_you'
  | 'organiser_notice'
  | 'organiser_digest'
  | 'private_link'
  | 'invitation'
  | 'password_reset'
  | 'materials'
  | 'survey';
export type CalendarMethod = 'REQUEST' | 'CANCEL';

/**
 * One email, stored in the same transaction as what caused it and sent later by the outbox worker.
 * The content is rendered when it is queued, so a later edit of the event does not change an email
 * already on its way; `dedupeKey` names its cause, and the database refuses the same cause twice.
 */
export const OutboxMessage = defineEntity({
  name: 'OutboxMessage',
  tableName: 'outbox_message',
  indexes: [
    { properties: ['status', 'nextAttemptAt'], name: 'outbox_message_due_index' },
    { properties: ['event', 'id'], name: 'outbox_message_event_listing_index' },
  ],
  properties: {
    id: p.integer().primary().autoincrement(),
    /**
     * The event the email is about. Null for emails about an organiser's own account (password
     * reset): those belong to no event, so no event's email pages, exports or API ever list them.
     */
    event: () => p.manyToOne(Event).nullable().deleteRule('cascade'),
    registration: () => p.manyToOne(Registration).nullable().deleteRule('set null'),
    kind: p.string().$type<MailKind>().length(32),
    dedupeKey: p.string().length(200).unique('outbox_message_dedupe_key_unique'),
    recipient: p.string().length(254),
    recipientName: p
      .string()
      .length(200)
      .default('')
      .onCreate(() => ''),
    locale: p
      .string()
      .length(8)
      .default('fr')
      .onCreate(() => 'fr'),
    fromName: p.string().length(200),
    fromAddress: p.string().length(254),
    replyTo: p.string().length(254).nullable(),
    subject: p.string().length(300),
    text: p.text(),
    html: p.text(),
    /** The iCalendar invite (sent as a `text/calendar; method=…` part and an .ics attachment), if any. */
    ics: p.text().nullable(),
    icsMethod: p.string().$type<CalendarMethod>().length(16).nullable(),
    status: p
      .string()
      .$type<OutboxStatus>()
      .length(16)
      .default('pending')
      .onCreate(() => 'pending' as const),
    /** Delivery attempts started so far (counted when a worker claims the message). */
    attempts: p
      .integer()
      .default(0)
      .onCreate(() => 0),
    nextAttemptAt: p.datetime(),
    /** While `sending`: the worker's lease; after it, another worker may take the message over. */
    claimedUntil: p.datetime().nullable(),
    /** Random value of the claim that holds the message, so a worker that lost its lease cannot overwrite the outcome. */
    claimToken: p.string().length(64).nullable(),
    lastError: p.text().nullable(),
    sentAt: p.datetime().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()),
  },
});

export type OutboxMessage = InferEntity<typeof OutboxMessage>;
