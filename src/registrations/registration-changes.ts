import { refreshDirectoryConsent } from '../structures/structure.service.js';
import type { EntityManager } from '@mikro-orm/core';
import type { Event } from '../events/event.entity.js';
import { AppError } from '../errors.js';
import { exportAnswers } from '../forms/answers.js';
import { ensureSessions, loadDefinition } from '../forms/form.service.js';
import { type RegistrationMailKind, queueRegistrationMail } from '../mail/notifications.js';
import type { MailSettings } from '../mail/outbox.service.js';
import { claimSeat, releaseSeat, takeSeatEvenIfFull } from '../seats/seats.js';
import { Registration, type RegistrationStatus } from './registration.entity.js';
import { cancel, changeCause, correctRegistration, register } from './registration.service.js';

/**
 * What an organiser may change on a registration (page or `PATCH /api/v1/registrations/:id`): every
 * field is optional, and only those given change. New fields go here and in `applyDetails` or
 * their own step of `updateRegistration`.
 */
export interface RegistrationChanges {
  firstName?: string;
  lastName?: string;
  email?: string;
  organisation?: string;
  structureType?: string;
  /** Answers by field key: each one given replaces that answer, the others stay (see `replaceAnswers`). */
  answers?: Record<string, unknown>;
  status?: RegistrationStatus;
}

export interface ChangeOptions {
  /** Given: the person is told of a change of status (email, and invite or its withdrawal); absent: nobody is told. */
  mail?: MailSettings;
  /** Confirm even when the event is full (the organiser confirmed it explicitly). */
  overCapacity?: boolean;
  /** `answers` is the whole form (a page's submission): a question left out is no longer answered. */
  replaceAnswers?: boolean;
}

const DETAILS = ['firstName', 'lastName', 'email', 'organisation', 'structureType', 'answers'] as const;

/**
 * An organiser changes a registration: its details and answers (right of rectification, checked by
 * the event's form as at registration, whatever the registration window), then its status, with
 * the seats and emails that go with it. Details are saved first: a status change refused by the
 * seats (409) leaves them saved.
 */
export async function updateRegistration(
  em: EntityManager,
  registration: Registration,
  changes: RegistrationChanges,
  options: ChangeOptions = {},
): Promise<Registration> {
  if (DETAILS.some((key) => changes[key] !== undefined)) await applyDetails(em, registration, changes, options);
  if (changes.status && changes.status !== registration.status)
    await changeStatus(em, registration, changes.status, options);
  return registration;
}

async function applyDetails(
  em: EntityManager,
  registration: Registration,
  changes: RegistrationChanges,
  options: ChangeOptions,
) {
  const event = registration.event;
  await ensureSessions(event);
  const form = await loadDefinition(em, event);
  // The current answers in the API's shape, the changes over them; consent was given at registration.
  const raw: Record<string, unknown> = Object.assign(
    Object.create(null),
    options.replaceAnswers ? {} : exportAnswers(registration.answers),
    changes.answers ?? {},
    {
      firstName: changes.firstName ?? registration.firstName,
      lastName: changes.lastName ?? registration.lastName,
      email: changes.email ?? registration.email,
      organisation: changes.organisation ?? registration.organisation,
      structureType: changes.structureType ?? registration.structureType,
      consent: true,
    },
  );
  // An organiser may leave the address blank (a person without one) or clear it.
  await correctRegistration(em, registration, form, raw, { emailOptional: true });
}

/**
 * Cancelling goes through `cancel` (the seat goes to the first person waiting). Confirming takes a
 * seat, or one beyond the capacity only with `overCapacity`; moving a confirmed person to the waiting
 * list frees their seat and withdraws their invite, without promoting anyone: the organiser chose
 * who holds the seats.
 */
async function changeStatus(
  em: EntityManager,
  registration: Registration,
  to: RegistrationStatus,
  options: ChangeOptions,
) {
  if (to === 'cancelled') {
    await cancel(em, registration, { mail: options.mail, byOrganiser: true });
    return;
  }
  await em.transactional(async (tx) => {
    const reg = await tx.findOneOrFail(
      Registration,
      { id: registration.id },
      { populate: ['event.sessions', 'group'] },
    );
    const from = reg.status;
    if (from === to) return;
    const eventId = reg.event.id;
    let kind: RegistrationMailKind;
    if (to === 'confirmed') {
      if (!(await claimSeat(tx, eventId))) {
        if (!options.overCapacity) throw new AppError('over_capacity');
        await takeSeatEvenIfFull(tx, eventId);
      }
      kind = from === 'waitlisted' ? 'promotion' : 'confirmation';
    } else {
      kind = from === 'confirmed' ? 'moved_to_waitlist' : 'waitlisted';
      if (from === 'confirmed') await releaseSeat(tx, eventId);
    }
    const cause = changeCause();
    // The withdrawal of the invite is written before the change: it withdraws what the invite holds now.
    if (options.mail && kind === 'moved_to_waitlist')
      await queueRegistrationMail(tx, reg, reg.event, kind, options.mail, { cause });
    reg.status = to;
    if (to !== 'confirmed') reg.group = null;
    reg.updatedAt = new Date();
    await tx.flush();
    if (reg.directoryConsent) await refreshDirectoryConsent(tx, [reg.structure?.id ?? null]);
    if (options.mail && kind !== 'moved_to_waitlist')
      await queueRegistrationMail(tx, reg, reg.event, kind, options.mail, { cause });
  });
  await em.refresh(registration);
}

export interface AddOptions {
  /** Who recorded the person's consent: the organiser's name (and address). */
  recordedBy: string;
  /** Given: the person gets the usual confirmation or waiting-list email (when they have an address). */
  mail?: MailSettings;
  /** The language of the emails the person gets (fr, en). */
  locale?: string;
}

/**
 * A registration an organiser adds by hand (phone, paper): the public form's questions, checks,
 * window and seats, the organiser recorded as the one who collected the consent. The email may be
 * left blank: the person is then sent nothing, and the organiser gives them their private link. On
 * an event by invitation, the organiser's adding someone counts as inviting them.
 */
export function addByOrganiser(em: EntityManager, event: Event, raw: Record<string, unknown>, options: AddOptions) {
  return register(em, event, raw, {
    locale: options.locale ?? 'fr',
    mail: options.mail,
    consentRecordedBy: options.recordedBy.slice(0, 200),
    // An organiser adding someone by hand invites them: an event by invitation accepts it.
    invited: true,
    emailOptional: true,
  });
}
