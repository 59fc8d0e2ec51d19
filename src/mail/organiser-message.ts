import type { EntityManager } from '@mikro-orm/core';
import type { Event } from '../events/event.entity.js';
import { type FieldError, ValidationError } from '../errors.js';
import { REGISTRATION_STATUSES, Registration } from '../registrations/registration.entity.js';
import { MAX_SELECTED_REGISTRATIONS } from '../registrations/registration-list.js';
import { type MailContent, describer, mailLocale } from './mail.render.js';
import { footer, mailFor, manageUrl } from './notifications.js';
import { type MailSettings, enqueue } from './outbox.service.js';

/** An organiser's own message to the attendees a few filters select (the event's Emails page). */

export interface OrganiserMessage {
  subject: string;
  body: string;
  /** Registration statuses to write to (at least one). */
  statuses: string[];
  /** Structure type keys; empty: every type. */
  structureTypes: string[];
  /** Breakout group ids; empty: whatever the group. */
  groups: number[];
  /** Identifies this sending (from the form), so posting it twice queues it once. */
  batch: string;
  /** The registrations ticked on the list: given, the message goes to them and the filters above are ignored. */
  registrations?: number[];
}

const isRowId = (id: number) => Number.isSafeInteger(id) && id > 0;

/** The ticked registrations of this event (ids of other events, and ids that are not ids, left out), by name. */
export async function selectedRecipients(em: EntityManager, event: Event, ids: number[]): Promise<Registration[]> {
  const readable = new Set(ids.filter(isRowId));
  if (!readable.size) return [];
  return em.find(
    Registration,
    { event: event.id, id: { $in: [...readable] } },
    { orderBy: { lastName: 'asc', firstName: 'asc', id: 'asc' } },
  );
}

/** Queues the organiser's message to every registration the filters select, in one transaction; returns how many. */
export async function queueOrganiserMessage(
  em: EntityManager,
  event: Event,
  message: OrganiserMessage,
  settings: MailSettings,
): Promise<number> {
  const errors = validateOrganiserMessage(event, message);
  if (errors.length) throw new ValidationError(errors);
  return em.transactional((tx) =>
    queueMessageTo(tx, event, { ...message, subject: message.subject.trim(), body: message.body.trim() }, settings),
  );
}

async function queueMessageTo(
  em: EntityManager,
  event: Event,
  message: OrganiserMessage,
  settings: MailSettings,
): Promise<number> {
  const where: Record<string, unknown> = { event: event.id, status: { $in: message.statuses } };
  if (message.structureTypes.length) where.structureType = { $in: message.structureTypes };
  if (message.groups.length) where.group = { $in: message.groups };
  const selected = message.registrations?.length
    ? await selectedRecipients(em, event, message.registrations)
    : await em.find(Registration, where, { orderBy: { id: 'asc' } });
  // People registered without an address (by hand, walk-ins) cannot be written to, nor counted as written to.
  const recipients = selected.filter((registration) => registration.email !== '');
  const paragraphs = message.body
    .split(/\r?\n\s*\r?\n/)
    .map((p) => p.trim())
    .filter(Boolean);
  const mails = recipients.map((registration) => {
    const locale = mailLocale(registration.locale);
    const t = describer(event, locale).t;
    const content: MailContent = {
      locale,
      subject: message.subject,
      greeting: t('mail.greeting', { name: registration.firstName }),
      paragraphs,
      details: [],
      programme: [],
      action: { label: t('mail.viewLink'), url: manageUrl(settings, registration) },
      notes: [],
      footer: footer(event, settings, t),
    };
    return mailFor(event, registration, 'message', `message:${message.batch}:registration:${registration.id}`, content);
  });
  await enqueue(em, mails, settings);
  return mails.length;
}

// A message goes to registrations of these statuses (the organiser ticks some of them).
const MESSAGE_STATUSES: readonly string[] = REGISTRATION_STATUSES;

/** The organiser's message must have a subject and a text, and filters that exist in this event. */
export function validateOrganiserMessage(event: Event, message: OrganiserMessage): FieldError[] {
  const errors: FieldError[] = [];
  if (!message.subject.trim()) errors.push({ field: 'subject', code: 'required' });
  else if (message.subject.length > 200) errors.push({ field: 'subject', code: 'too_long', params: { max: 200 } });
  else if (/[\r\n]/.test(message.subject)) errors.push({ field: 'subject', code: 'control_characters' });
  if (!message.body.trim()) errors.push({ field: 'body', code: 'required' });
  else if (message.body.length > 20000) errors.push({ field: 'body', code: 'too_long', params: { max: 20000 } });
  if (message.registrations?.length) {
    if (message.registrations.length > MAX_SELECTED_REGISTRATIONS)
      errors.push({ field: 'registrations', code: 'recipients_max', params: { max: MAX_SELECTED_REGISTRATIONS } });
    else if (!message.registrations.every(isRowId)) errors.push({ field: 'registrations', code: 'choice' });
  } else if (!message.statuses.length) errors.push({ field: 'statuses', code: 'choose_one' });
  else if (message.statuses.some((s) => !MESSAGE_STATUSES.includes(s)))
    errors.push({ field: 'statuses', code: 'choice' });
  if (message.structureTypes.some((key) => !event.structureTypes.some((t) => t.key === key)))
    errors.push({ field: 'structureTypes', code: 'choice' });
  const groups = new Set(
    event.sessions
      .getItems()
      .filter((s) => s.kind === 'breakout')
      .map((s) => s.id),
  );
  if (message.groups.some((id) => !groups.has(id))) errors.push({ field: 'groups', code: 'choice' });
  if (!/^[A-Za-z0-9_-]{8,64}$/.test(message.batch)) errors.push({ field: 'batch', code: 'format' });
  return errors;
}
