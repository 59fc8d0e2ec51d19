import { type EntityManager, UniqueConstraintViolationException } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Event } from '../events/event.entity.js';
import { AppError, type FieldError, ValidationError } from '../errors.js';
import { isEmail } from '../shared/email.js';
import { dateFromDatabase } from '../shared/db-values.js';
import { takeSeatEvenIfFull } from '../seats/seats.js';
import { checkSingleLine } from '../shared/text.js';
import { queueRegistrationMail, renderRegistrationMail } from '../mail/notifications.js';
import { type MailSettings, enqueue } from '../mail/outbox.service.js';
import { Registration, type RegistrationStatus } from './registration.entity.js';
import { findEventRegistration, newToken } from './registration.service.js';

export interface CheckInEntry {
  id: number;
  firstName: string;
  lastName: string;
  organisation: string;
  structureType: string;
  status: RegistrationStatus;
  checkedInAt: Date | null;
}

export interface CheckInList {
  items: CheckInEntry[];
  /** How many registrations match the search (items stops at `limit`). */
  matched: number;
  confirmed: number;
  present: number;
}

/** Lower case, accents, ligatures and punctuation removed: "Hélène D'Aubigné-Œuvré" → "helene d aubigne oeuvre". */
export function searchKey(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLocaleLowerCase('fr')
    .replace(/œ/g, 'oe')
    .replace(/æ/g, 'ae')
    .replace(/ß/g, 'ss')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/**
 * Every registration for the check-in list (people waiting or who cancelled may turn up too, their
 * status shown), sorted by last then first name (French order),
 * filtered by every word of `q`, each the start of a word of the first name, last name or organisation
 * (ignoring case and accents: "hel dup" finds "Hélène Dupont").
 * Only the few columns the list shows are read, so a large event stays quick.
 */
export async function checkInList(em: EntityManager, event: Event, q = '', limit = 200): Promise<CheckInList> {
  const rows: {
    id: number;
    first_name: string;
    last_name: string;
    organisation: string;
    structure_type: string;
    status: RegistrationStatus;
    checked_in_at: unknown;
  }[] = await em
    .getConnection()
    .execute(
      'select id, first_name, last_name, organisation, structure_type, status, checked_in_at from registration where event_id = ?',
      [event.id],
      'all',
      em.getTransactionContext(),
    );
  const words = searchKey(q).split(' ').filter(Boolean);
  const all = rows.map((row) => ({
    id: Number(row.id),
    firstName: row.first_name,
    lastName: row.last_name,
    organisation: row.organisation,
    structureType: row.structure_type,
    status: row.status,
    checkedInAt: dateFromDatabase(row.checked_in_at),
  }));
  const matching =
    words.length === 0
      ? all
      : all.filter((entry) => {
          const haystack = ` ${searchKey(`${entry.firstName} ${entry.lastName} ${entry.organisation}`)}`;
          return words.every((word) => haystack.includes(` ${word}`));
        });
  const collator = new Intl.Collator('fr', { sensitivity: 'base' });
  matching.sort(
    (a, b) => collator.compare(a.lastName, b.lastName) || collator.compare(a.firstName, b.firstName) || a.id - b.id,
  );
  return {
    items: matching.slice(0, limit),
    matched: matching.length,
    confirmed: all.filter((entry) => entry.status === 'confirmed').length,
    present: all.filter((entry) => entry.checkedInAt && entry.status === 'confirmed').length,
  };
}

/**
 * Marks a registration present, or not present any more. Setting a state rather than toggling it
 * makes a double tap (or a form sent twice) harmless; the first arrival time is kept. Someone waiting
 * or who cancelled is in the room all the same: marking them present admits them (admit below).
 */
export async function setPresent(
  em: EntityManager,
  event: Event,
  registrationId: number,
  present: boolean,
  options: { now?: Date; mail?: MailSettings } = {},
): Promise<Registration> {
  const now = options.now ?? new Date();
  const registration = await findEventRegistration(em, event, registrationId);
  if (registration.status !== 'confirmed') {
    if (!present) throw new AppError('check_in_not_confirmed');
    return admit(em, event, registration, now, options.mail);
  }
  if (present && !registration.checkedInAt) registration.checkedInAt = now;
  if (!present) registration.checkedInAt = null;
  registration.updatedAt = now;
  await em.flush();
  return registration;
}

/**
 * Confirms, present, someone on the waiting list or who had cancelled, as a walk-in is: a seat is
 * counted even when the event is full, nobody else on the waiting list moves, and they get the
 * confirmation with their invite (its own cause: an earlier confirmation may exist).
 */
async function admit(
  em: EntityManager,
  event: Event,
  registration: Registration,
  now: Date,
  mail: MailSettings | undefined,
): Promise<Registration> {
  await em.transactional(async (tx) => {
    const reg = await tx.findOneOrFail(Registration, { id: registration.id }, { populate: ['event.sessions'] });
    // A double tap: the first one admitted them.
    if (reg.status === 'confirmed') return;
    await takeSeatEvenIfFull(tx, event.id);
    Object.assign(reg, { status: 'confirmed', checkedInAt: now, updatedAt: now });
    await tx.flush();
    if (mail && reg.email) {
      const message = renderRegistrationMail(reg, reg.event, 'confirmation', mail);
      await enqueue(
        tx,
        [{ ...message, registration: reg, dedupeKey: `registration:${reg.id}:check-in-admission` }],
        mail,
      );
    }
  });
  await em.refresh(registration);
  return registration;
}

export interface WalkInInput {
  firstName: string;
  lastName: string;
  organisation: string;
  structureType: string;
  email: string;
  consent: boolean;
}

function text(raw: unknown): string {
  if (Array.isArray(raw)) raw = raw[0];
  return typeof raw === 'string' ? raw.normalize('NFC').trim() : '';
}

export function validateWalkIn(
  raw: Record<string, unknown>,
  event: Event,
): { value: WalkInInput; errors: FieldError[] } {
  const value: WalkInInput = {
    firstName: text(raw.firstName),
    lastName: text(raw.lastName),
    organisation: text(raw.organisation),
    structureType: text(raw.structureType),
    email: text(raw.email),
    consent: ['on', 'yes', 'true', '1'].includes(text(raw.consent)),
  };
  const errors: FieldError[] = [];
  const limits: [keyof WalkInInput, number, boolean][] = [
    ['firstName', 100, true],
    ['lastName', 100, true],
    ['organisation', 200, true],
    ['email', 254, false],
  ];
  for (const [field, max, required] of limits) {
    const current = value[field] as string;
    if (!current) {
      if (required) errors.push({ field, code: 'required' });
    } else if (!checkSingleLine(errors, field, current)) continue;
    else if (current.length > max) errors.push({ field, code: 'too_long', params: { max } });
    else if (field === 'email' && !isEmail(current)) errors.push({ field, code: 'email' });
  }
  if (!value.structureType) errors.push({ field: 'structureType', code: 'choose_one' });
  else if (!event.structureTypes.some((type) => type.key === value.structureType))
    errors.push({ field: 'structureType', code: 'choice' });
  if (!value.consent) errors.push({ field: 'consent', code: 'walk_in_consent_required' });
  return { value, errors };
}

/**
 * Records someone who came without registering: a confirmed registration, already present, with
 * the usual confirmation email when an address is given.
 *
 * Capacity: a walk-in is a person physically in the room, so they are recorded even when the event
 * is full. The seat counter is still raised (`takeSeatEvenIfFull`, src/seats/seats.ts), so that
 * `confirmedCount` keeps meaning "confirmed registrations" and a later cancellation of this
 * registration releases exactly what it took; nobody on the waiting list is moved either way.
 *
 * Without an email, the per-event unique key gets a random placeholder ("walk-in:<uuid>"), which no
 * real address can equal; with one, registering the same address twice is refused as usual.
 */
export async function walkIn(
  em: EntityManager,
  event: Event,
  raw: Record<string, unknown>,
  options: { locale?: string; now?: Date; mail?: MailSettings } = {},
): Promise<Registration> {
  const { value, errors } = validateWalkIn(raw, event);
  if (errors.length) throw new ValidationError(errors);
  const now = options.now ?? new Date();
  // Their address is on the waiting list or cancelled: the person is admitted, not refused.
  const known = value.email
    ? await em.findOne(Registration, { event: event.id, emailKey: value.email.toLowerCase() })
    : null;
  if (known && known.status !== 'confirmed') return admit(em, event, known, now, options.mail);
  try {
    return await em.transactional(async (tx) => {
      // First statement a write: SQLite takes the write lock at once (see the stack notes).
      await takeSeatEvenIfFull(tx, event.id);
      const registration = tx.create(Registration, {
        event: tx.getReference(Event, event.id),
        token: newToken(),
        firstName: value.firstName,
        lastName: value.lastName,
        email: value.email,
        emailKey: value.email ? value.email.toLowerCase() : `walk-in:${randomUUID()}`,
        organisation: value.organisation,
        structureType: value.structureType,
        status: 'confirmed',
        answers: {},
        group: null,
        locale: options.locale ?? 'fr',
        checkedInAt: now,
        consentAt: now,
        createdAt: now,
        updatedAt: now,
      });
      await tx.flush();
      // With an address, the same confirmation as anyone registered (their private link and invite).
      if (options.mail && value.email)
        await queueRegistrationMail(tx, registration, event, 'confirmation', options.mail);
      return registration;
    });
  } catch (error) {
    if (error instanceof UniqueConstraintViolationException) {
      throw new AppError('already_registered_check_in', [{ field: 'email', code: 'already_registered_check_in' }]);
    }
    throw error;
  }
}
