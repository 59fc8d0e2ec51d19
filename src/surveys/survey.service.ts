import type { EntityManager } from '@mikro-orm/core';
import { randomBytes } from 'node:crypto';
import { AppError, ValidationError, notFound } from '../errors.js';
import { Event } from '../events/event.entity.js';
import { answersToStore, checkSubmission } from '../forms/answers.js';
import { FIELD_TYPES } from '../forms/fields/index.js';
import { ensureSessions, loadDefinition } from '../forms/form.service.js';
import { SurveyForm } from '../forms/survey-form.entity.js';
import { type ResolvedForm, resolveForm } from '../forms/resolve.js';
import type { Translate } from '../i18n/i18n.js';
import { type MailSettings, enqueue } from '../mail/outbox.service.js';
import { retentionEndsAt } from '../privacy/privacy.service.js';
import { Registration } from '../registrations/registration.entity.js';
import { renderSurveyMail } from './survey-mail.js';
import { SurveyInvitation } from './survey-invitation.entity.js';
import { SurveyResponse } from './survey-response.entity.js';
import { surveyToken } from './survey-token.js';

export type SurveyAudience = 'present' | 'confirmed';

export interface SurveyState {
  /** Questions that take an answer (information texts do not count). */
  questions: number;
  anonymous: boolean;
  sent: number;
  answered: number;
  /** Whether the event has ended: the survey goes out after it. */
  ended: boolean;
  /** Who would get it now, by audience: people not yet sent to. */
  toSend: Record<SurveyAudience, number>;
}

export async function loadSurvey(em: EntityManager, event: Event, t?: Translate): Promise<ResolvedForm> {
  await ensureSessions(event);
  return resolveForm(await loadDefinition(em, event, 'survey'), event, t, 'survey');
}

const answering = (form: ResolvedForm) => form.fields.filter((f) => FIELD_TYPES[f.type].answers);

/** Anonymous unless the organiser said otherwise (no survey row yet: anonymous). */
export async function isAnonymous(em: EntityManager, eventId: number): Promise<boolean> {
  return (await em.findOne(SurveyForm, { event: eventId }))?.anonymous ?? true;
}

/**
 * Anonymous or not is chosen before the survey goes out, and then fixed: people were told which
 * when they got it, and answers already stored one way cannot become the other.
 */
export async function setAnonymous(em: EntityManager, event: Event, anonymous: boolean): Promise<void> {
  if (await em.count(SurveyInvitation, { event: event.id })) throw new AppError('survey_already_sent');
  const form = await em.findOne(SurveyForm, { event: event.id });
  const now = new Date();
  if (form) {
    form.anonymous = anonymous;
    form.updatedAt = now;
  } else {
    em.create(SurveyForm, {
      event: em.getReference(Event, event.id),
      definition: { builtIns: {}, sections: [] },
      retiredKeys: [],
      anonymous,
      createdAt: now,
      updatedAt: now,
    });
  }
  await em.flush();
}

function audienceWhere(event: Event, to: SurveyAudience): Record<string, unknown> {
  const where: Record<string, unknown> = { event: event.id, status: 'confirmed', email: { $ne: '' } };
  if (to === 'present') where.checkedInAt = { $ne: null };
  return where;
}

async function notYetSent(em: EntityManager, event: Event, to: SurveyAudience): Promise<Registration[]> {
  const invited = await em.find(SurveyInvitation, { event: event.id }, { fields: ['registration'] });
  const done = new Set(invited.map((i) => i.registration.id));
  const people = await em.find(Registration, audienceWhere(event, to), { orderBy: { id: 'asc' } });
  return people.filter((r) => !done.has(r.id));
}

export async function surveyState(em: EntityManager, event: Event, now = new Date()): Promise<SurveyState> {
  const form = await loadSurvey(em, event);
  return {
    questions: answering(form).length,
    anonymous: await isAnonymous(em, event.id),
    sent: await em.count(SurveyInvitation, { event: event.id }),
    answered: await em.count(SurveyInvitation, { event: event.id, answered: true }),
    ended: event.endsAt <= now,
    toSend: {
      present: (await notYetSent(em, event, 'present')).length,
      confirmed: (await notYetSent(em, event, 'confirmed')).length,
    },
  };
}

/**
 * Sends the survey, after the event, to the people marked present or to every confirmed person,
 * each once: someone already sent it (by an earlier sending, to either audience) is skipped. Each
 * gets an invitation row and, in the same transaction, an email with their personal link.
 */
export async function sendSurvey(
  em: EntityManager,
  event: Event,
  to: SurveyAudience,
  settings: MailSettings,
  sessionKey: Buffer,
  now = new Date(),
): Promise<{ queued: number; alreadySent: number }> {
  if (answering(await loadSurvey(em, event)).length === 0) throw new AppError('survey_empty');
  if (event.endsAt > now) throw new AppError('survey_too_early');
  const anonymous = await isAnonymous(em, event.id);
  return em.transactional(async (tx) => {
    const people = await notYetSent(tx, event, to);
    const audience = await tx.count(Registration, audienceWhere(event, to));
    const invitations = people.map((registration) =>
      tx.create(SurveyInvitation, {
        event: tx.getReference(Event, event.id),
        registration,
        sentAt: now,
        answered: false,
      }),
    );
    await tx.flush();
    const mails = invitations.map((invitation, i) =>
      renderSurveyMail(event, people[i], settings, surveyToken(sessionKey, invitation.id), anonymous),
    );
    await enqueue(tx, mails, settings, now);
    return { queued: people.length, alreadySent: audience - people.length };
  });
}

export async function findInvitation(em: EntityManager, id: number, now = new Date()) {
  const invitation = await em.findOne(SurveyInvitation, { id }, { populate: ['event'] });
  // Past the event's retention its personal data is gone: the link no longer opens, like a facilitator's.
  if (!invitation || retentionEndsAt(invitation.event) <= now) throw notFound();
  return invitation;
}

/** The day of an answer (UTC), the only date kept with it. */
const dayOf = (now: Date) => now.toISOString().slice(0, 10);

/**
 * Stores one person's answers, once. Checked like any form of the builder; a second submission
 * (another tab, a replay) is refused with `survey_answered` and stores nothing.
 *
 * Anonymity (see survey-response.entity.ts): the response row has a random id, no registration and
 * only the day. The invitation's flag is claimed by a conditional update (so two submissions at once
 * cannot both pass); then every invitation row of the event is rewritten in the same statement, so
 * that the database's own bookkeeping (PostgreSQL's row versions, `xmin`) is the same on all of
 * them and does not single out the one that just answered next to the new response row.
 */
export async function answerSurvey(
  em: EntityManager,
  invitationId: number,
  submission: Record<string, unknown>,
  t: Translate,
  now = new Date(),
): Promise<void> {
  const invitation = await findInvitation(em, invitationId, now);
  if (invitation.answered) throw new AppError('survey_answered');
  const event = invitation.event;
  const form = await loadSurvey(em, event, t);
  const { values, errors } = checkSubmission(form, submission);
  if (errors.length) throw new ValidationError(errors);
  const anonymous = await isAnonymous(em, event.id);
  await em.transactional(async (tx) => {
    const claimed = await tx.nativeUpdate(SurveyInvitation, { id: invitation.id, answered: false }, { answered: true });
    if (claimed !== 1) throw new AppError('survey_answered');
    await tx
      .getConnection()
      .execute(
        'update survey_invitation set answered = answered where event_id = ?',
        [event.id],
        'run',
        tx.getTransactionContext(),
      );
    await tx.insert(SurveyResponse, {
      id: randomBytes(16).toString('hex'),
      event: event.id,
      registration: anonymous ? null : invitation.registration.id,
      answers: answersToStore(form, values),
      answeredOn: dayOf(now),
    });
  });
}
