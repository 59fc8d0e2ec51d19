import { type FieldError, notFound } from '../errors.js';
import { isEmail } from '../shared/email.js';
import { checkSingleLine } from '../shared/text.js';
import { eventDateErrors, timeZoneErrors, yearRangeErrors } from './event-dates.js';
import type {
  Event,
  EventSession,
  EventStatus,
  RegistrationMode,
  SessionKind,
  Side,
  StructureType,
} from './event.entity.js';
import { DEFAULT_SIDES, validateSides, validateTypeSides } from './sides.js';
import { KEY_PATTERN, validateStructureTypes } from './structure-types.js';

/**
 * The rules of an event and its programme that need no database: what a valid event is, which
 * sessions are plenaries or breakouts, whether registration is open. Services and pages build on
 * them; nothing here imports a service.
 */

export const EVENT_STATUSES: EventStatus[] = ['draft', 'published', 'closed'];
export const SESSION_KINDS: SessionKind[] = ['plenary', 'breakout'];
export const REGISTRATION_MODES: RegistrationMode[] = ['open', 'invitation'];

export interface SessionInput {
  id?: number;
  kind: SessionKind;
  title: string;
  topic?: string;
  facilitator?: string;
  room?: string;
  startsAt: Date;
  endsAt: Date;
  capacity?: number | null;
}

export interface EventInput {
  title: string;
  slug: string;
  description?: string;
  venue?: string;
  address?: string;
  timezone?: string;
  startsAt: Date;
  endsAt: Date;
  capacity?: number | null;
  status?: EventStatus;
  registrationOpensAt?: Date | null;
  registrationClosesAt?: Date | null;
  /** Open to anyone (default), or only to the people invited (src/cycles/invitation.service.ts). */
  registrationMode?: RegistrationMode;
  structureTypes?: StructureType[];
  /** The sides (volets); default DEFAULT_SIDES. */
  sides?: Side[];
  sessions?: SessionInput[];
  /** Series key (lower-case letters, digits, dashes), or null for a one-off event. */
  series?: string | null;
  /** Sender name of the emails to attendees. */
  organiserName?: string;
  /** Reply-To of the emails, and ORGANIZER of the invites. */
  replyTo?: string;
  /** Months after the event's end before its registrations are anonymised (RETENTION_MONTHS). */
  retentionMonths?: number;
  /** Days before the start when attendees are reminded (REMINDER_DAYS), or null for no reminder. */
  reminderDaysBefore?: number | null;
  /** The thank-you sent after the event to the people marked present; empty for none. */
  thankYouText?: string;
}

/** Reminder days before the event: the default and the bounds organisers may choose. */
export const REMINDER_DAYS = { default: 2, min: 1, max: 60 } as const;

/** How long personal data may be kept after an event, in months: the default and the bounds organisers may choose. */
export const RETENTION_MONTHS = { default: 12, min: 1, max: 120 } as const;

const isValidDate = (d: unknown): d is Date => d instanceof Date && !Number.isNaN(d.getTime());

function checkText(
  errors: FieldError[],
  field: string,
  value: string | undefined,
  max: number,
  required = false,
  singleLine = false,
) {
  const text = value?.trim() ?? '';
  if (required && !text) errors.push({ field, code: 'required' });
  else if (text.length > max) errors.push({ field, code: 'too_long', params: { max } });
  else if (singleLine) checkSingleLine(errors, field, text);
}

function checkCapacity(errors: FieldError[], field: string, value: number | null | undefined) {
  if (value === null || value === undefined) return;
  if (!Number.isInteger(value) || value < 1 || value > 1_000_000) errors.push({ field, code: 'capacity' });
}

function checkPeriod(
  errors: FieldError[],
  prefix: string,
  startsAt: Date | null | undefined,
  endsAt: Date | null | undefined,
  names = ['startsAt', 'endsAt'],
) {
  const [startField, endField] = names.map((name) => (prefix ? `${prefix}.${name}` : name));
  if (startsAt !== null && startsAt !== undefined && !isValidDate(startsAt))
    errors.push({ field: startField, code: 'datetime' });
  if (endsAt !== null && endsAt !== undefined && !isValidDate(endsAt))
    errors.push({ field: endField, code: 'datetime' });
  if (isValidDate(startsAt) && isValidDate(endsAt) && endsAt <= startsAt)
    errors.push({ field: endField, code: 'ends_before_start' });
}

export function validateSession(input: SessionInput, prefix = ''): FieldError[] {
  const errors: FieldError[] = [];
  const field = (name: string) => (prefix ? `${prefix}.${name}` : name);
  if (!SESSION_KINDS.includes(input.kind)) errors.push({ field: field('kind'), code: 'choice' });
  checkText(errors, field('title'), input.title, 200, true, true);
  checkText(errors, field('topic'), input.topic, 2000);
  checkText(errors, field('facilitator'), input.facilitator, 200, false, true);
  checkText(errors, field('room'), input.room, 200, false, true);
  if (!input.startsAt) errors.push({ field: field('startsAt'), code: 'required' });
  if (!input.endsAt) errors.push({ field: field('endsAt'), code: 'required' });
  checkPeriod(errors, prefix, input.startsAt, input.endsAt);
  errors.push(
    ...yearRangeErrors([
      [field('startsAt'), input.startsAt],
      [field('endsAt'), input.endsAt],
    ]),
  );
  checkCapacity(errors, field('capacity'), input.capacity);
  return errors;
}

/** Every rule an event must meet, whether it comes from the organiser pages or the API. */
export function validateEvent(input: EventInput): FieldError[] {
  const errors: FieldError[] = [];
  checkText(errors, 'title', input.title, 200, true, true);
  if (!input.slug?.trim()) errors.push({ field: 'slug', code: 'required' });
  else if (!KEY_PATTERN.test(input.slug) || input.slug.length > 80) errors.push({ field: 'slug', code: 'slug_format' });
  checkText(errors, 'description', input.description, 20000);
  checkText(errors, 'venue', input.venue, 200, false, true);
  checkText(errors, 'address', input.address, 400);
  errors.push(...timeZoneErrors(input.timezone));
  if (!input.startsAt) errors.push({ field: 'startsAt', code: 'required' });
  if (!input.endsAt) errors.push({ field: 'endsAt', code: 'required' });
  checkPeriod(errors, '', input.startsAt, input.endsAt);
  checkCapacity(errors, 'capacity', input.capacity);
  if (input.status !== undefined && !EVENT_STATUSES.includes(input.status))
    errors.push({ field: 'status', code: 'choice' });
  if (input.registrationMode !== undefined && !REGISTRATION_MODES.includes(input.registrationMode))
    errors.push({ field: 'registrationMode', code: 'choice' });
  checkPeriod(errors, '', input.registrationOpensAt, input.registrationClosesAt, [
    'registrationOpensAt',
    'registrationClosesAt',
  ]);
  if (input.structureTypes) errors.push(...validateStructureTypes(input.structureTypes));
  if (input.sides) errors.push(...validateSides(input.sides));
  if (input.structureTypes) errors.push(...validateTypeSides(input.structureTypes, input.sides ?? DEFAULT_SIDES));
  checkText(errors, 'organiserName', input.organiserName, 200, false, true);
  if (input.replyTo?.trim() && !isEmail(input.replyTo.trim())) errors.push({ field: 'replyTo', code: 'email' });
  if (input.series != null && (!KEY_PATTERN.test(input.series) || input.series.length > 80))
    errors.push({ field: 'series', code: 'slug_format' });
  if (
    input.retentionMonths !== undefined &&
    (!Number.isInteger(input.retentionMonths) ||
      input.retentionMonths < RETENTION_MONTHS.min ||
      input.retentionMonths > RETENTION_MONTHS.max)
  ) {
    errors.push({
      field: 'retentionMonths',
      code: 'retention_months',
      params: { min: RETENTION_MONTHS.min, max: RETENTION_MONTHS.max },
    });
  }
  const days = input.reminderDaysBefore;
  if (days != null && (!Number.isInteger(days) || days < REMINDER_DAYS.min || days > REMINDER_DAYS.max))
    errors.push({
      field: 'reminderDaysBefore',
      code: 'reminder_days',
      params: { min: REMINDER_DAYS.min, max: REMINDER_DAYS.max },
    });
  checkText(errors, 'thankYouText', input.thankYouText, 5000);
  input.sessions?.forEach((session, index) => errors.push(...validateSession(session, `sessions.${index}`)));
  errors.push(...eventDateErrors(input));
  return errors;
}

export function findSession(event: Event, sessionId: number): EventSession {
  const session = event.sessions.getItems().find((s) => s.id === sessionId);
  if (!session) throw notFound();
  return session;
}

export function plenaries(event: Event): EventSession[] {
  return event.sessions.getItems().filter((s) => s.kind === 'plenary');
}

export function breakouts(event: Event): EventSession[] {
  return event.sessions.getItems().filter((s) => s.kind === 'breakout');
}

export type RegistrationWindow = 'open' | 'not_yet_open' | 'closed' | 'not_published';

export function registrationWindow(event: Event, now = new Date()): RegistrationWindow {
  if (event.status === 'draft') return 'not_published';
  if (event.status === 'closed') return 'closed';
  if (event.registrationOpensAt && now < event.registrationOpensAt) return 'not_yet_open';
  if (event.registrationClosesAt && now >= event.registrationClosesAt) return 'closed';
  if (now >= event.endsAt) return 'closed';
  return 'open';
}
