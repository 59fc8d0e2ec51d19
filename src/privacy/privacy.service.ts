import { forgetLoneStructure } from '../structures/structure.service.js';
import { roleAllows } from '../access/access.service.js';
import type { EventRole } from '../access/event-member.entity.js';
import { hidePrivateLinks } from '../registrations/private-link.js';
import type { EntityManager, FilterQuery } from '@mikro-orm/core';
import { DateTime } from 'luxon';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Event } from '../events/event.entity.js';
import { structureTypeLabel } from '../events/structure-types.js';
import { notFound } from '../errors.js';
import { storedAnswers } from '../forms/answers.js';
import type { FieldTypeName, StoredAnswer } from '../forms/form-definition.js';
import { Attendance } from '../cycles/attendance.entity.js';
import { SurveyInvitation } from '../surveys/survey-invitation.entity.js';
import { SurveyResponse } from '../surveys/survey-response.entity.js';
import { OutboxMessage } from '../mail/outbox.entity.js';
import type { MailSettings } from '../mail/outbox.service.js';
import { IdempotencyRecord } from '../registrations/idempotency.entity.js';
import { Registration } from '../registrations/registration.entity.js';
import { cancel, newToken } from '../registrations/registration.service.js';
import { ErasureLog } from './erasure-log.entity.js';

/**
 * Answers kept on an anonymised registration: the choices among the organiser's options, which say
 * nothing of who answered and feed the report. Anything typed (text, email, phone, number, date) goes.
 */
const KEPT_ANSWER_TYPES = new Set<FieldTypeName>([
  'choice',
  'multiple',
  'yesno',
  'consent',
  'group_preference',
  'side',
]);

/** The name an anonymised registration shows on the organiser pages and in the exports. */
export const ANONYMISED_FIRST_NAME = 'Anonyme';

/** The moment an event's registrations lose their personal data: its end plus its retention months. */
export function retentionEndsAt(event: Pick<Event, 'endsAt' | 'retentionMonths'>): Date {
  return DateTime.fromJSDate(event.endsAt, { zone: 'utc' }).plus({ months: event.retentionMonths }).toJSDate();
}

function anonymisedAnswers(answers: Record<string, unknown>): Record<string, StoredAnswer> {
  return Object.fromEntries(
    Object.entries(storedAnswers(answers)).filter(([, answer]) => KEPT_ANSWER_TYPES.has(answer.type)),
  );
}

/**
 * Removes what identifies the person and keeps what the figures need (structure type, group,
 * status, presence, choices). The email stays unique per event; the private link stops working.
 */
function anonymise(registration: Registration, now: Date) {
  const placeholder = `anonymised-${registration.id}@invalid`;
  Object.assign(registration, {
    firstName: ANONYMISED_FIRST_NAME,
    lastName: `#${registration.id}`,
    email: placeholder,
    emailKey: placeholder,
    organisation: '',
    answers: anonymisedAnswers(registration.answers),
    token: newToken(),
    anonymisedAt: now,
    updatedAt: now,
  });
}

/**
 * Without SMTP_URL the worker writes each email to `<outboxDir>/atelier-outbox-<id>@<domain>.eml`
 * (src/mail/outbox.worker.ts): the paths of those copies, to delete with the messages.
 */
async function emlCopies(em: EntityManager, where: object, emlDir: string | undefined): Promise<string[]> {
  if (!emlDir) return [];
  const prefixes = new Set(
    (await em.find(OutboxMessage, where, { fields: ['id'] })).map((m) => `atelier-outbox-${m.id}@`),
  );
  if (!prefixes.size) return [];
  let files: string[];
  try {
    files = readdirSync(emlDir);
  } catch {
    return [];
  }
  return files
    .filter((name) => name.endsWith('.eml') && prefixes.has(name.slice(0, name.indexOf('@') + 1)))
    .map((name) => join(emlDir, name));
}

const removeFiles = (paths: string[]) => paths.forEach((path) => rmSync(path, { force: true }));

/** Where the `.eml` copies of sent emails are (MailConfig.outboxDir), to delete them with the messages. */
export interface PurgeOptions {
  emlDir?: string;
}

export interface AnonymiseResult {
  events: number;
  registrations: number;
  emails: number;
  /** Emails about organisers' accounts (no event) deleted, see ACCOUNT_EMAIL_DAYS. */
  accountEmails: number;
}

/**
 * How long an email that belongs to no event (a password reset, to an organiser or to an address
 * with no account) is kept once sent or failed. No page lists them; they are kept this long only to
 * look into a delivery problem, then deleted with their `.eml` copies.
 */
export const ACCOUNT_EMAIL_DAYS = 30;

const BATCH = 500;

/**
 * The retention job: for every event whose end plus its retention is past, anonymises the
 * registrations not done yet and deletes the event's emails from the outbox (all of them are to
 * its attendees); then deletes the account emails done with for ACCOUNT_EMAIL_DAYS. Idempotent: a
 * second run finds nothing left to do.
 */
export async function anonymiseExpired(
  em: EntityManager,
  now: Date = new Date(),
  options: PurgeOptions = {},
): Promise<AnonymiseResult> {
  const result: AnonymiseResult = { events: 0, registrations: 0, emails: 0, accountEmails: 0 };
  const ended = await em.find(Event, { endsAt: { $lt: now } }, { fields: ['id', 'endsAt', 'retentionMonths'] });
  for (const event of ended.filter((e) => retentionEndsAt(e) <= now)) {
    const done = await anonymiseEvent(em.fork(), event.id, now, options);
    result.registrations += done.registrations;
    result.emails += done.emails;
    if (done.registrations || done.emails) result.events += 1;
  }
  result.accountEmails = await purgeAccountEmails(em.fork(), now, options);
  return result;
}

async function purgeAccountEmails(em: EntityManager, now: Date, options: PurgeOptions): Promise<number> {
  const where: FilterQuery<OutboxMessage> = {
    event: null,
    status: { $in: ['sent', 'failed'] },
    createdAt: { $lt: new Date(now.getTime() - ACCOUNT_EMAIL_DAYS * 24 * 3600_000) },
  };
  const copies = await emlCopies(em, where, options.emlDir);
  const deleted = await em.nativeDelete(OutboxMessage, where);
  removeFiles(copies);
  return deleted;
}

async function anonymiseEvent(
  em: EntityManager,
  eventId: number,
  now: Date,
  options: PurgeOptions,
): Promise<{ registrations: number; emails: number }> {
  let registrations = 0;
  for (;;) {
    // Each batch in its own transaction: the rows it changed no longer match, so the loop ends.
    const changed = await em.transactional(async (tx) => {
      const batch = await tx.find(
        Registration,
        { event: eventId, anonymisedAt: null },
        { orderBy: { id: 'asc' }, limit: BATCH },
      );
      for (const registration of batch) anonymise(registration, now);
      await tx.flush();
      // A replayable API answer holds the person's data as it was answered.
      if (batch.length) await tx.nativeDelete(IdempotencyRecord, { registration: { $in: batch.map((r) => r.id) } });
      return batch.length;
    });
    registrations += changed;
    em.clear();
    if (changed < BATCH) break;
  }
  const copies = await emlCopies(em, { event: eventId }, options.emlDir);
  const emails = await em.nativeDelete(OutboxMessage, { event: eventId });
  removeFiles(copies);
  return { registrations, emails };
}

async function findPerson(em: EntityManager, event: Event, registrationId: number): Promise<Registration> {
  const registration = Number.isSafeInteger(registrationId)
    ? await em.findOne(Registration, { id: registrationId, event: event.id }, { populate: ['group'] })
    : null;
  if (!registration) throw notFound();
  return registration;
}

/** The emails held for one person: those about their registration, and any other of the event sent to their address. */
function personMessages(registration: Registration, eventId: number) {
  return { $or: [{ registration: registration.id }, { event: eventId, recipient: registration.email }] };
}

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

/**
 * Everything held about one person, as JSON for their access request: the registration with every
 * answer (those to removed questions too), their attendance at each meeting of a cycle (who recorded
 * it included), their survey and every email stored for them.
 */
export async function exportPerson(em: EntityManager, event: Event, registrationId: number, now: Date = new Date()) {
  const r = await findPerson(em, event, registrationId);
  const emails = await em.find(OutboxMessage, personMessages(r, event.id), { orderBy: { id: 'asc' } });
  const invitation = await em.findOne(SurveyInvitation, { registration: r.id });
  // Answers to a named survey are theirs; anonymous ones cannot be told apart, by design.
  const named = await em.find(SurveyResponse, { registration: r.id }, { orderBy: { id: 'asc' } });
  const attendance = await em.find(
    Attendance,
    { registration: r.id },
    { populate: ['session'], orderBy: { session: { startsAt: 'asc' }, id: 'asc' } },
  );
  return {
    exportedAt: now.toISOString(),
    event: {
      id: event.id,
      title: event.title,
      startsAt: iso(event.startsAt),
      endsAt: iso(event.endsAt),
      retentionMonths: event.retentionMonths,
      keptUntil: iso(retentionEndsAt(event)),
    },
    registration: {
      id: r.id,
      status: r.status,
      firstName: r.firstName,
      lastName: r.lastName,
      email: r.email,
      organisation: r.organisation,
      structureType: { key: r.structureType, label: structureTypeLabel(event.structureTypes, r.structureType) },
      group: r.group ? { id: r.group.id, title: r.group.title } : null,
      answers: Object.entries(storedAnswers(r.answers)).map(([key, answer]) => ({ key, ...answer })),
      locale: r.locale,
      consentAt: iso(r.consentAt),
      consentRecordedBy: r.consentRecordedBy ?? null,
      checkedInAt: iso(r.checkedInAt),
      anonymisedAt: iso(r.anonymisedAt),
      createdAt: iso(r.createdAt),
      updatedAt: iso(r.updatedAt),
    },
    attendance: attendance.map((a) => ({
      meeting: { id: a.session.id, title: a.session.title, startsAt: iso(a.session.startsAt) },
      state: a.state,
      recordedAt: iso(a.updatedAt),
      recordedBy: a.updatedBy,
    })),
    emails: emails.map((m) => ({
      id: m.id,
      kind: m.kind,
      recipient: m.recipient,
      recipientName: m.recipientName,
      subject: m.subject,
      status: m.status,
      createdAt: iso(m.createdAt),
      sentAt: iso(m.sentAt),
      text: m.text,
      html: m.html,
      calendar: m.ics ?? null,
    })),
    survey: invitation
      ? {
          sentAt: iso(invitation.sentAt),
          answered: invitation.answered,
          answers: named.map((n) => ({
            answeredOn: n.answeredOn,
            answers: Object.entries(storedAnswers(n.answers)).map(([key, answer]) => ({ key, ...answer })),
          })),
        }
      : null,
  };
}

export type PersonalDataExport = Awaited<ReturnType<typeof exportPerson>>;

/**
 * The export as a viewer may read it: the emails' private links masked (with the link, anyone can
 * change or cancel the registration, which a viewer may not).
 */
export function exportForRole(data: PersonalDataExport, role: EventRole | null): PersonalDataExport {
  if (roleAllows(role, 'organiser')) return data;
  return {
    ...data,
    emails: data.emails.map((m) => ({
      ...m,
      text: hidePrivateLinks(m.text),
      html: hidePrivateLinks(m.html),
      calendar: m.calendar === null ? null : hidePrivateLinks(m.calendar),
    })),
  };
}

export interface EraseOptions extends PurgeOptions {
  /** The organiser who erased them (logged as an id). */
  organiserId?: number | null;
  via: 'page' | 'api';
  /** Given: the person promoted from the waiting list into the freed seat gets their confirmation. */
  mail?: MailSettings;
}

/**
 * Erases a person on request, in one transaction: their seat is freed as by a cancellation (the
 * first person waiting gets it), then their registration and every email held for them are
 * deleted, and the erasure is logged without any of the erased data. Returns who got the seat.
 */
export async function erasePerson(
  em: EntityManager,
  event: Event,
  registrationId: number,
  options: EraseOptions,
): Promise<{ promoted: Registration | null }> {
  const copies: string[] = [];
  const result = await em.transactional(async (tx) => {
    const registration = await findPerson(tx, event, registrationId);
    // The cancellation email this queues for the person is deleted below with their other emails, before anyone can send it.
    const promoted = await cancel(tx, registration, { mail: options.mail, byOrganiser: true });
    copies.push(...(await emlCopies(tx, personMessages(registration, event.id), options.emlDir)));
    await tx.nativeDelete(OutboxMessage, personMessages(registration, event.id));
    tx.remove(registration);
    tx.create(ErasureLog, {
      eventId: event.id,
      registrationId: registration.id,
      organiserId: options.organiserId ?? null,
      via: options.via,
      erasedAt: new Date(),
    });
    await tx.flush();
    await forgetLoneStructure(tx, registration.structure?.id ?? null);
    return { promoted };
  });
  // Once the erasure is committed: a rolled-back one keeps its copies.
  removeFiles(copies);
  return result;
}
