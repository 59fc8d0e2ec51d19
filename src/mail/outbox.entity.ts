import { EntitySchema } from '@mikro-orm/core';
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
  | 'message'
  | 'private_link'
  | 'password_reset';
export type CalendarMethod = 'REQUEST' | 'CANCEL';

/**
 * One email, stored in the same transaction as what caused it and sent later by the outbox worker.
 * The content is rendered when it is queued, so a later edit of the event does not change an email
 * already on its way; `dedupeKey` names its cause, and the database refuses the same cause twice.
 */
export class OutboxMessage {
  id!: number;
  /**
   * The event the email is about. Null for emails about an organiser's own account (password
   * reset): those belong to no event, so no event's email pages, exports or API ever list them.
   */
  event: Event | null = null;
  registration: Registration | null = null;
  kind!: MailKind;
  dedupeKey!: string;
  recipient!: string;
  recipientName = '';
  locale = 'fr';
  fromName!: string;
  fromAddress!: string;
  replyTo: string | null = null;
  subject!: string;
  text!: string;
  html!: string;
  /** The iCalendar invite (sent as a `text/calendar; method=…` part and an .ics attachment), if any. */
  ics: string | null = null;
  icsMethod: CalendarMethod | null = null;
  status: OutboxStatus = 'pending';
  /** Delivery attempts started so far (counted when a worker claims the message). */
  attempts = 0;
  nextAttemptAt!: Date;
  /** While `sending`: the worker's lease; after it, another worker may take the message over. */
  claimedUntil: Date | null = null;
  /** Random value of the claim that holds the message, so a worker that lost its lease cannot overwrite the outcome. */
  claimToken: string | null = null;
  lastError: string | null = null;
  sentAt: Date | null = null;
  createdAt: Date = new Date();
  updatedAt: Date = new Date();
}

export const OutboxMessageSchema = new EntitySchema<OutboxMessage>({
  class: OutboxMessage,
  tableName: 'outbox_message',
  indexes: [
    { properties: ['status', 'nextAttemptAt'], name: 'outbox_message_due_index' },
    { properties: ['event', 'id'], name: 'outbox_message_event_listing_index' },
  ],
  properties: {
    id: { type: 'integer', primary: true, autoincrement: true },
    event: { kind: 'm:1', entity: () => Event, nullable: true, deleteRule: 'cascade' },
    registration: { kind: 'm:1', entity: () => Registration, nullable: true, deleteRule: 'set null' },
    kind: { type: 'string', length: 32 },
    dedupeKey: { type: 'string', length: 200, unique: 'outbox_message_dedupe_key_unique' },
    recipient: { type: 'string', length: 254 },
    recipientName: { type: 'string', length: 200 },
    locale: { type: 'string', length: 8 },
    fromName: { type: 'string', length: 200 },
    fromAddress: { type: 'string', length: 254 },
    replyTo: { type: 'string', length: 254, nullable: true },
    subject: { type: 'string', length: 300 },
    text: { type: 'text' },
    html: { type: 'text' },
    ics: { type: 'text', nullable: true },
    icsMethod: { type: 'string', length: 16, nullable: true },
    status: { type: 'string', length: 16 },
    attempts: { type: 'integer', default: 0 },
    nextAttemptAt: { type: 'datetime' },
    claimedUntil: { type: 'datetime', nullable: true },
    claimToken: { type: 'string', length: 64, nullable: true },
    lastError: { type: 'text', nullable: true },
    sentAt: { type: 'datetime', nullable: true },
    createdAt: { type: 'datetime' },
    updatedAt: { type: 'datetime' },
  },
});
