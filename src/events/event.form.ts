import type { FieldError } from '../errors.js';
import { type FormBody, formText } from '../shared/form-body.js';
import { isValidTimeZone, utcToZonedLocal as utcToLocal, zonedLocalToUtc } from '../shared/time.js';
import type {
  Event,
  EventSession,
  EventStatus,
  RegistrationMode,
  SessionKind,
  Side,
  StructureType,
} from './event.entity.js';
import type { EventInput, SessionInput } from './event-rules.js';
import { slugify } from './structure-types.js';

// Times are posted as "YYYY-MM-DDTHH:mm" in the event's zone.
const str = formText;

function dateField(body: FormBody, key: string, tz: string, errors: FieldError[], required: boolean): Date | null {
  const raw = str(body, key);
  if (!raw) {
    if (required) errors.push({ field: key, code: 'required' });
    return null;
  }
  const date = zonedLocalToUtc(raw, tz);
  if (!date) errors.push({ field: key, code: 'datetime' });
  return date;
}

function capacityField(body: FormBody, key: string, errors: FieldError[]): number | null {
  const raw = str(body, key);
  if (!raw) return null;
  const value = Number(raw);
  if (!Number.isInteger(value)) errors.push({ field: key, code: 'capacity' });
  return Number.isInteger(value) ? value : null;
}

/** A whole number of months; blank means the default. Not a number: NaN, which validateEvent reports. */
function monthsField(body: FormBody, key: string): number | undefined {
  const raw = str(body, key);
  return raw ? Number(raw) : undefined;
}

/** The event form, read into the same input the API takes; unreadable values become field errors. */
export function readEventForm(body: FormBody): { input: EventInput; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const timezone = str(body, 'timezone') || 'Europe/Paris';
  const tz = isValidTimeZone(timezone) ? timezone : 'Europe/Paris';
  const title = str(body, 'title');
  const input: EventInput = {
    title,
    slug: str(body, 'slug') || slugify(title, 80),
    description: str(body, 'description'),
    venue: str(body, 'venue'),
    address: str(body, 'address'),
    timezone,
    startsAt: dateField(body, 'startsAt', tz, errors, true) as Date,
    endsAt: dateField(body, 'endsAt', tz, errors, true) as Date,
    capacity: capacityField(body, 'capacity', errors),
    status: (str(body, 'status') || 'draft') as EventStatus,
    registrationOpensAt: dateField(body, 'registrationOpensAt', tz, errors, false),
    registrationClosesAt: dateField(body, 'registrationClosesAt', tz, errors, false),
    organiserName: str(body, 'organiserName'),
    replyTo: str(body, 'replyTo'),
    series: str(body, 'series') || null,
  };
  // Left out when blank, so that saving a form without the field keeps the event's setting.
  const retentionMonths = monthsField(body, 'retentionMonths');
  if (retentionMonths !== undefined) input.retentionMonths = retentionMonths;
  // Blank: no reminder. Not a number: NaN, which validateEvent reports.
  if ('reminderDaysBefore' in body) {
    const days = str(body, 'reminderDaysBefore');
    input.reminderDaysBefore = days ? Number(days) : null;
  }
  if ('thankYouText' in body) input.thankYouText = str(body, 'thankYouText');
  if ('registrationMode' in body)
    input.registrationMode = (str(body, 'registrationMode') || 'open') as RegistrationMode;
  return { input, errors };
}

export function readSessionForm(body: FormBody, tz: string): { input: SessionInput; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const input: SessionInput = {
    kind: (str(body, 'kind') || 'breakout') as SessionKind,
    title: str(body, 'title'),
    topic: str(body, 'topic'),
    facilitator: str(body, 'facilitator'),
    room: str(body, 'room'),
    startsAt: dateField(body, 'startsAt', tz, errors, true) as Date,
    endsAt: dateField(body, 'endsAt', tz, errors, true) as Date,
    capacity: capacityField(body, 'capacity', errors),
  };
  return { input, errors };
}

/**
 * The structure-type table: rows `label.N`, `position.N`, `remove.N` for existing keys `key.N`, plus
 * blank rows for new types (their key is made from the label). Rows are ordered by position.
 */
export function readStructureTypesForm(body: FormBody): StructureType[] {
  const rows: { key: string; label: string; side: string; position: number; index: number }[] = [];
  for (let index = 0; index < 200; index++) {
    if (!(`label.${index}` in body)) continue;
    const label = str(body, `label.${index}`);
    const removed = str(body, `remove.${index}`) !== '';
    const existingKey = str(body, `key.${index}`);
    if (removed || (!label && !existingKey)) continue;
    const position = Number(str(body, `position.${index}`));
    const side = str(body, `side.${index}`);
    rows.push({
      key: existingKey || slugify(label),
      label,
      side,
      position: Number.isFinite(position) && str(body, `position.${index}`) ? position : 1000 + index,
      index,
    });
  }
  return rows
    .sort((a, b) => a.position - b.position || a.index - b.index)
    .map(({ key, label, side }) => ({ key, label, ...(side ? { side } : {}) }));
}

/** The sides table of the same page: rows `sideKey.N`, `sideLabel.N`, `sideRemove.N`, blank rows for new sides. */
export function readSidesForm(body: FormBody): Side[] | null {
  if (!('sideLabel.0' in body)) return null;
  const sides: Side[] = [];
  for (let index = 0; index < 40; index++) {
    if (!(`sideLabel.${index}` in body)) continue;
    const label = str(body, `sideLabel.${index}`);
    const key = str(body, `sideKey.${index}`);
    if (str(body, `sideRemove.${index}`) !== '' || (!label && !key)) continue;
    sides.push({ key: key || slugify(label), label });
  }
  return sides;
}

/** Values for re-showing an event form: the instant fields in the event's zone. */
export function eventFormValues(event: Event): Record<string, string> {
  const local = (d: Date | null | undefined) => (d ? utcToLocal(d, event.timezone) : '');
  return {
    title: event.title,
    slug: event.slug,
    description: event.description,
    venue: event.venue,
    address: event.address,
    timezone: event.timezone,
    startsAt: local(event.startsAt),
    endsAt: local(event.endsAt),
    capacity: event.capacity?.toString() ?? '',
    status: event.status,
    registrationOpensAt: local(event.registrationOpensAt),
    registrationClosesAt: local(event.registrationClosesAt),
    registrationMode: event.registrationMode,
    organiserName: event.organiserName,
    replyTo: event.replyTo,
    series: event.series ?? '',
    retentionMonths: String(event.retentionMonths),
    reminderDaysBefore: event.reminderDaysBefore?.toString() ?? '',
    thankYouText: event.thankYouText,
  };
}

export function sessionFormValues(session: EventSession, tz: string): Record<string, string> {
  return {
    kind: session.kind,
    title: session.title,
    topic: session.topic,
    facilitator: session.facilitator,
    room: session.room,
    startsAt: utcToLocal(session.startsAt, tz),
    endsAt: utcToLocal(session.endsAt, tz),
    capacity: session.capacity?.toString() ?? '',
  };
}

/**
 * A new session's form: the first one fills the event's day and hours (a plenary); the next ones
 * take the last session's times, as breakout groups usually run side by side.
 */
export function newSessionValues(event: Event, last: EventSession | undefined): Record<string, string> {
  if (!last)
    return {
      kind: 'plenary',
      startsAt: utcToLocal(event.startsAt, event.timezone),
      endsAt: utcToLocal(event.endsAt, event.timezone),
    };
  const { startsAt, endsAt, capacity } = sessionFormValues(last, event.timezone);
  return { kind: 'breakout', startsAt, endsAt, capacity };
}
