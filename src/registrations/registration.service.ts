import { type EntityManager, UniqueConstraintViolationException } from '@mikro-orm/core';
import { randomBytes, randomUUID } from 'node:crypto';
import { Event } from '../events/event.entity.js';
import { registrationWindow } from '../events/event-rules.js';
import { AppError, ValidationError, notFound } from '../errors.js';
import { storedAnswers } from '../forms/answers.js';
import type { FormDefinition } from '../forms/form-definition.js';
import { ensureSessions, loadDefinition } from '../forms/form.service.js';
import { validateRegistration } from '../forms/registration-form.js';
import { sideAfterChange, sideFromAnswers } from '../forms/side-question.js';
import { queueRegistrationMail, renderRegistrationMail } from '../mail/notifications.js';
import { queueOrganiserNotices } from '../mail/organiser-notices.js';
import type { MailSettings } from '../mail/outbox.service.js';
import { placeLateComer } from '../groups/placement.js';
import { type SeatClaim, claimSeat, releaseSeat, seatClaim } from '../seats/seats.js';
import {
  directoryConsentGiven,
  refreshDirectoryConsent,
  relinkStructure,
  structureFor,
} from '../structures/structure.service.js';
import { REGISTRATION_STATUSES, Registration, type RegistrationStatus } from './registration.entity.js';

export { REGISTRATION_STATUSES };

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * The per-event unique key of an address: the address lower-cased. Without one (added by hand from a
 * phone call or a paper form, a walk-in) the email is empty and the key a random placeholder no address
 * can equal, kept across corrections (`current`), so any number of people without an address may register.
 */
export function emailKeyOf(email: string, current?: string): string {
  if (email) return email.toLowerCase();
  return current && !current.includes('@') ? current : `no-email:${randomUUID()}`;
}

export interface RegisterOptions {
  locale?: string;
  now?: Date;
  /** Given: the confirmation (with the invite) or the waiting-list email is queued in the same transaction. */
  mail?: MailSettings;
  /** Runs in the registration's transaction once it is written (idempotency.service.ts stores its replayable outcome). */
  inTransaction?: (tx: EntityManager, registration: Registration) => Promise<void>;
  /** The event's form definition when the caller has it already (the public page's cache, src/registrations/event-cache.ts). */
  definition?: FormDefinition;
  /** Added by an organiser (phone or paper): who recorded the person's consent. */
  consentRecordedBy?: string;
  /**
   * The caller has checked that this person may register to an event by invitation (their personal
   * link, an invited address, an organiser adding them by hand). Without it such an event refuses (403).
   */
  invited?: boolean;
  /** The email may be left blank (an organiser's registration); without one, the person is sent nothing. */
  emailOptional?: boolean;
}

/**
 * What a registration must pass before anything is written: registration is open and the answers are
 * valid. Throws the usual errors (409 for the window, ValidationError for the answers).
 */
export async function checkSubmission(
  em: EntityManager,
  event: Event,
  raw: Record<string, unknown>,
  options: Pick<RegisterOptions, 'now' | 'definition' | 'invited' | 'emailOptional'> = {},
) {
  const window = registrationWindow(event, options.now);
  if (window !== 'open') throw new AppError(`registration_${window}`);
  if (event.registrationMode === 'invitation' && !options.invited) throw new AppError('registration_by_invitation');
  await ensureSessions(event);
  const definition = options.definition ?? (await loadDefinition(em, event));
  const { value, answers, errors } = validateRegistration(definition, event, raw, {
    emailOptional: options.emailOptional,
  });
  if (errors.length) throw new ValidationError(errors);
  // The "Votre domaine d'intervention" answer, when the form asks it: the person's side, over their type's.
  return { value, answers, side: sideFromAnswers(definition, answers) };
}

/** Registers an attendee: confirmed while seats remain, then on the waiting list. */
export async function register(
  em: EntityManager,
  event: Event,
  raw: Record<string, unknown>,
  options: RegisterOptions = {},
): Promise<Registration> {
  const { value, answers, side } = await checkSubmission(em, event, raw, options);
  const claim = await seatClaim(em, { id: event.id, capacity: event.capacity ?? null });
  const token = newToken();
  const locale = options.locale ?? 'fr';
  // No address, no email to the person (the organiser hands them their private link); organisers' notices still go.
  const mail = value.email ? options.mail : undefined;
  const directoryConsent = directoryConsentGiven(raw);
  // The email is rendered before the transaction, which then only writes: on SQLite it holds the one
  // connection every request waits for. Rendered for the likely outcome; the seat itself is decided
  // below, and the other email is rendered in the transaction if the guess was wrong.
  const likely = event.capacity == null || event.confirmedCount < event.capacity ? 'confirmation' : 'waitlisted';
  const early = mail
    ? renderRegistrationMail(
        {
          firstName: value.firstName,
          lastName: value.lastName,
          email: value.email,
          locale,
          token,
          status: 'confirmed',
          group: null,
          // A new registration's first invite (queueRegistrationMail stamps it the same way).
          inviteSequence: 1,
        },
        event,
        likely,
        mail,
      )
    : undefined;
  try {
    return await em.transactional(async (tx) => {
      const confirmed = await claim(tx);
      const now = new Date();
      // The confirmation's invite is the registration's first (queueRegistrationMail stamps it so):
      // the row is inserted already stamped, which saves an UPDATE in the one-writer transaction.
      const stamped = confirmed && mail ? 1 : 0;
      const registration = tx.create(Registration, {
        event: tx.getReference(Event, event.id),
        token,
        firstName: value.firstName,
        lastName: value.lastName,
        email: value.email,
        emailKey: emailKeyOf(value.email),
        organisation: value.organisation,
        structureType: value.structureType,
        side,
        // The structure the organisation names (one indexed lookup, an insert for a new one): src/structures.
        structure: await structureFor(tx, { ...value, side, directoryConsent }),
        directoryConsent,
        status: confirmed ? 'confirmed' : 'waitlisted',
        answers,
        group: null,
        locale,
        consentAt: now,
        consentRecordedBy: options.consentRecordedBy ?? null,
        inviteSequence: stamped,
        invitedGroupId: null,
        createdAt: now,
        updatedAt: now,
      });
      await tx.flush();
      if (options.inTransaction) await options.inTransaction(tx, registration);
      const kind = confirmed ? 'confirmation' : 'waitlisted';
      // Unstamped in memory only, just before the stamp gives the row's value again: no change to write.
      registration.inviteSequence = 0;
      if (mail)
        await queueRegistrationMail(tx, registration, event, kind, mail, {}, kind === likely ? early : undefined);
      if (options.mail) await queueOrganiserNotices(tx, event, registration, 'registered', options.mail);
      return registration;
    });
  } catch (error) {
    if (!(error instanceof UniqueConstraintViolationException)) throw error;
    // The address is taken (or the idempotency key: registerOnce replays it). Looked up only now, so a
    // new registration costs no statement before its transaction, which rolled back with its seat.
    const earlier = value.email
      ? await em.findOne(Registration, { event: event.id, emailKey: value.email.toLowerCase() })
      : null;
    if (earlier?.status === 'cancelled') {
      const again = { ...value, answers, side: side ?? earlier.side, directoryConsent };
      return reactivate(em, event, earlier, again, claim, options);
    }
    throw new AppError('already_registered', [{ field: 'email', code: 'already_registered' }]);
  }
}

/**
 * Someone who cancelled registers again with the same address (registration open): the same row
 * comes back as a new registration (new private link, new answers, at the end of the waiting list
 * if full) with a new confirmation, whose invite outranks the CANCEL they got (notifications.ts).
 */
async function reactivate(
  em: EntityManager,
  event: Event,
  earlier: Registration,
  value: Pick<
    Registration,
    'firstName' | 'lastName' | 'email' | 'organisation' | 'structureType' | 'answers' | 'side' | 'directoryConsent'
  >,
  claim: SeatClaim,
  options: RegisterOptions,
): Promise<Registration> {
  return em.transactional(async (tx) => {
    const now = new Date();
    // Claimed by a conditional update: of two simultaneous re-registrations only one proceeds.
    const claimed = await tx.nativeUpdate(Registration, { id: earlier.id, status: 'cancelled' }, { updatedAt: now });
    if (!claimed) throw new AppError('already_registered', [{ field: 'email', code: 'already_registered' }]);
    const confirmed = await claim(tx);
    const registration = await tx.findOneOrFail(Registration, { id: earlier.id }, { populate: ['group'] });
    const leftStructure = registration.structure?.id ?? null;
    Object.assign(registration, {
      ...value,
      emailKey: value.email.toLowerCase(),
      token: newToken(),
      status: confirmed ? 'confirmed' : 'waitlisted',
      group: null,
      groupLocked: false,
      checkedInAt: null,
      locale: options.locale ?? 'fr',
      inviteSequence: registration.inviteSequence + 1,
      consentAt: now,
      createdAt: now,
      updatedAt: now,
      structure: await structureFor(tx, value),
    });
    await tx.flush();
    await refreshDirectoryConsent(tx, [leftStructure, registration.structure?.id ?? null]);
    if (options.inTransaction) await options.inTransaction(tx, registration);
    if (options.mail)
      await queueRegistrationMail(tx, registration, event, confirmed ? 'confirmation' : 'waitlisted', options.mail);
    return registration;
  });
}

export async function findByToken(em: EntityManager, token: string): Promise<Registration> {
  const registration =
    token.length <= 64
      ? await em.findOne(Registration, { token }, { populate: ['event', 'event.sessions', 'group'] })
      : null;
  if (!registration) throw notFound();
  return registration;
}

/**
 * The attendee changes their answers (their private page): the form's current rules apply, answers to
 * questions now hidden are dropped, answers to questions since removed from the form are kept.
 */
export async function updateAnswers(
  em: EntityManager,
  registration: Registration,
  raw: Record<string, unknown>,
  options: { now?: Date } = {},
): Promise<Registration> {
  const event = registration.event;
  if (registration.status === 'cancelled') throw new AppError('registration_cancelled');
  const window = registrationWindow(event, options.now);
  if (window !== 'open') throw new AppError('answers_locked');
  await ensureSessions(event);
  // Added by hand without an address: the person may leave it blank here too.
  await correctRegistration(em, registration, await loadDefinition(em, event), raw, {
    emailOptional: registration.email === '',
  });
  return registration;
}

export interface CancelOptions {
  /** Given: the cancellation (METHOD:CANCEL of the invite) and the promoted person's confirmation are queued in the same transaction. */
  mail?: MailSettings;
  /** The organiser cancelled it (the email says so). */
  byOrganiser?: boolean;
}

/**
 * Names one change of status in its emails' dedupe keys, so a person reinstated then cancelled again
 * gets the second cancellation too. A change is made once: a repeated request finds the status
 * already changed and queues nothing, so the name need not be derived from the request.
 */
export const changeCause = () => `change:${randomUUID()}`;

/** Cancels a registration; a freed seat goes to the first person on the waiting list, who is returned. */
export async function cancel(
  em: EntityManager,
  registration: Registration,
  options: CancelOptions = {},
): Promise<Registration | null> {
  if (registration.status === 'cancelled') return null;
  const promoted = await em.transactional(async (tx) => {
    const reg = await tx.findOneOrFail(
      Registration,
      { id: registration.id },
      { populate: ['event.sessions', 'group'] },
    );
    if (reg.status === 'cancelled') return null;
    // Written before the change: the CANCEL withdraws what the attendee's invite holds now.
    if (options.mail)
      await queueRegistrationMail(tx, reg, reg.event, 'cancellation', options.mail, {
        byOrganiser: options.byOrganiser,
        cause: changeCause(),
      });
    const wasConfirmed = reg.status === 'confirmed';
    const freedGroupId = reg.group?.id ?? null;
    reg.status = 'cancelled';
    reg.group = null;
    reg.updatedAt = new Date();
    await tx.flush();
    if (reg.directoryConsent) await refreshDirectoryConsent(tx, [reg.structure?.id ?? null]);
    if (options.mail) await queueOrganiserNotices(tx, reg.event, reg, 'cancelled', options.mail);
    if (!wasConfirmed) return null;
    await releaseSeat(tx, reg.event.id);
    const next = await tx.findOne(
      Registration,
      { event: reg.event.id, status: 'waitlisted' },
      { orderBy: { createdAt: 'asc', id: 'asc' } },
    );
    if (!next || !(await claimSeat(tx, reg.event.id))) return null;
    const cause = changeCause();
    next.status = 'confirmed';
    next.updatedAt = new Date();
    await placeLateComer(tx, reg.event, next, freedGroupId);
    await tx.flush();
    if (options.mail) await queueRegistrationMail(tx, next, reg.event, 'promotion', options.mail, { cause });
    return next;
  });
  await em.refresh(registration);
  return promoted;
}

export async function countByStatus(em: EntityManager, event: Event): Promise<Record<RegistrationStatus, number>> {
  const rows: { status: RegistrationStatus; count: number | string }[] = await em
    .getConnection()
    .execute('select status, count(*) as count from registration where event_id = ? group by status', [event.id]);
  const counts = { confirmed: 0, waitlisted: 0, cancelled: 0 };
  for (const row of rows) counts[row.status] = Number(row.count);
  return counts;
}

/** One registration of this event by its id, or a 404 (an id of another event's registration included). */
export async function findEventRegistration(
  em: EntityManager,
  event: Event,
  registrationId: number,
  options: { populate?: ['group'] } = {},
): Promise<Registration> {
  const registration = Number.isSafeInteger(registrationId)
    ? await em.findOne(Registration, { id: registrationId, event: event.id }, { populate: options.populate ?? [] })
    : null;
  if (!registration) throw notFound();
  return registration;
}

/**
 * Checks a whole set of details and answers against the form as it is now and stores it: answers to
 * questions now hidden are dropped, answers to questions since removed from the form are kept. Used by
 * the attendee's own changes and by the organiser's corrections.
 */
export async function correctRegistration(
  em: EntityManager,
  registration: Registration,
  form: FormDefinition,
  raw: Record<string, unknown>,
  options: { emailOptional?: boolean } = {},
): Promise<void> {
  const event = registration.event;
  const { value, answers, errors } = validateRegistration(form, event, raw, options);
  if (errors.length) throw new ValidationError(errors);
  const current = new Set(form.sections.flatMap((s) => s.fields.map((f) => f.key)));
  const kept = Object.fromEntries(
    Object.entries(storedAnswers(registration.answers)).filter(([key]) => !current.has(key)),
  );
  const previousOrganisation = registration.organisation;
  Object.assign(registration, {
    firstName: value.firstName,
    lastName: value.lastName,
    email: value.email,
    emailKey: emailKeyOf(value.email, registration.emailKey),
    organisation: value.organisation,
    structureType: value.structureType,
    answers: { ...kept, ...answers },
    side: sideAfterChange(form, registration.answers, answers, registration.side ?? null),
    updatedAt: new Date(),
  });
  try {
    await em.flush();
  } catch (error) {
    if (error instanceof UniqueConstraintViolationException)
      throw new AppError('already_registered', [{ field: 'email', code: 'already_registered' }]);
    throw error;
  }
  await relinkStructure(em, registration, previousOrganisation);
}
