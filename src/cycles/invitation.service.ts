import type { EntityManager } from '@mikro-orm/core';
import { AppError, ValidationError, notFound } from '../errors.js';
import type { Event } from '../events/event.entity.js';
import { describer, mailLocale, renderMail } from '../mail/mail.render.js';
import { footer } from '../mail/notifications.js';
import { type MailSettings, enqueue, senderOf } from '../mail/outbox.service.js';
import { Registration } from '../registrations/registration.entity.js';
import { type RegisterOptions, newToken, register } from '../registrations/registration.service.js';
import { isEmail } from '../shared/email.js';
import { meetingsOf } from './meetings.js';
import { Invitation } from './invitation.entity.js';

/** The most addresses one paste may hold. */
export const MAX_INVITED_AT_ONCE = 500;

export type InvitationState = 'sent' | 'registered' | 'revoked';

export interface InvitationRow {
  invitation: Invitation;
  state: InvitationState;
}

/**
 * The addresses of a pasted list, one a line (commas and semicolons also separate them), without
 * duplicates; each line that is not an address is an error naming it.
 */
export function parseAddresses(text: string): { emails: string[]; errors: string[] } {
  const seen = new Set<string>();
  const emails: string[] = [];
  const errors: string[] = [];
  for (const part of text.split(/[\n,;]/)) {
    const value = part.trim();
    if (!value) continue;
    if (!isEmail(value)) errors.push(value.slice(0, 100));
    else if (!seen.has(value.toLowerCase())) {
      seen.add(value.toLowerCase());
      emails.push(value);
    }
  }
  return { emails, errors };
}

export const invitationUrl = (settings: MailSettings, invitation: Invitation) =>
  `${settings.publicUrl}/i/${invitation.token}`;

async function queueInvitationMail(em: EntityManager, event: Event, invitation: Invitation, settings: MailSettings) {
  invitation.sentCount += 1;
  invitation.lastSentAt = new Date();
  const locale = mailLocale(invitation.locale);
  const d = describer(event, locale);
  const t = d.t;
  const sender = senderOf(event, settings);
  const meetings = meetingsOf(event);
  const content = {
    locale,
    subject: t('mail.invitation.subject', { event: event.title }),
    greeting: t('mail.greetingNoName'),
    paragraphs: [t('mail.invitation.intro', { event: event.title, organiser: sender.fromName })],
    details: d.details(),
    programme: d.programme(meetings.length ? meetings : [null]),
    action: { label: t('mail.invitation.action'), url: invitationUrl(settings, invitation) },
    notes: [t('mail.invitation.personal')],
    footer: footer(event, settings, t),
  };
  await enqueue(
    em,
    [
      {
        event,
        registration: null,
        kind: 'invitation',
        dedupeKey: `event:${event.id}:invitation:${invitation.id}:${invitation.sentCount}`,
        recipient: invitation.email,
        recipientName: '',
        locale,
        subject: content.subject,
        ...renderMail(content),
      },
    ],
    settings,
  );
}

/**
 * Invites the addresses of a pasted list: each new one (or one revoked before) gets its personal link
 * by email, in `locale` (French by default). Addresses already invited are left as they are.
 */
export async function inviteAddresses(
  em: EntityManager,
  event: Event,
  text: string,
  options: { by: string; mail: MailSettings; locale?: string },
): Promise<{ invited: number; already: number }> {
  const { emails, errors } = parseAddresses(text);
  if (errors.length)
    throw new ValidationError(
      errors.slice(0, 10).map((value) => ({ field: 'emails', code: 'invite_email', params: { value } })),
    );
  if (!emails.length) throw new ValidationError([{ field: 'emails', code: 'required' }]);
  if (emails.length > MAX_INVITED_AT_ONCE)
    throw new ValidationError([{ field: 'emails', code: 'invite_too_many', params: { max: MAX_INVITED_AT_ONCE } }]);
  return em.transactional(async (tx) => {
    const known = await tx.find(Invitation, { event: event.id, emailKey: { $in: emails.map((e) => e.toLowerCase()) } });
    const byKey = new Map(known.map((i) => [i.emailKey, i]));
    let invited = 0;
    for (const email of emails) {
      const existing = byKey.get(email.toLowerCase());
      if (existing && !existing.revokedAt) continue;
      const invitation =
        existing ??
        tx.create(Invitation, {
          event: event.id,
          token: newToken(),
          email,
          emailKey: email.toLowerCase(),
          locale: options.locale === 'en' ? 'en' : 'fr',
          invitedBy: options.by.slice(0, 200),
          createdAt: new Date(),
        });
      if (existing) Object.assign(existing, { revokedAt: null, token: newToken() });
      await tx.flush();
      await queueInvitationMail(tx, event, invitation, options.mail);
      invited += 1;
    }
    await tx.flush();
    return { invited, already: emails.length - invited };
  });
}

async function findEventInvitation(em: EntityManager, event: Event, id: number): Promise<Invitation> {
  const invitation = await em.findOne(Invitation, { id, event: event.id });
  if (!invitation) throw notFound();
  return invitation;
}

/** Sends the invitation again (a lost email); a revoked one is not sent. */
export async function resendInvitation(em: EntityManager, event: Event, id: number, mail: MailSettings) {
  const invitation = await findEventInvitation(em, event, id);
  if (invitation.revokedAt) throw new AppError('invitation_revoked');
  await em.transactional(async (tx) => {
    await queueInvitationMail(tx, event, invitation, mail);
    await tx.flush();
  });
  return invitation;
}

/** Withdraws an invitation: its link stops working at once. A registration already made stays. */
export async function revokeInvitation(em: EntityManager, event: Event, id: number): Promise<Invitation> {
  const invitation = await findEventInvitation(em, event, id);
  if (!invitation.revokedAt) {
    invitation.revokedAt = new Date();
    await em.flush();
  }
  return invitation;
}

/** The event's invitations with their state, newest first. */
export async function listInvitations(em: EntityManager, event: Event): Promise<InvitationRow[]> {
  const invitations = await em.find(Invitation, { event: event.id }, { orderBy: { createdAt: 'desc', id: 'desc' } });
  const registered = await em.find(Registration, {
    event: event.id,
    status: { $ne: 'cancelled' },
    emailKey: { $in: invitations.map((i) => i.emailKey) },
  });
  const keys = new Set(registered.map((r) => r.emailKey));
  return invitations.map((invitation) => ({
    invitation,
    state: invitation.revokedAt ? 'revoked' : keys.has(invitation.emailKey) ? 'registered' : 'sent',
  }));
}

/** The invitation a personal link names, with its event; revoked or unknown links are refused. */
export async function findInvitationByToken(em: EntityManager, token: string): Promise<Invitation> {
  const invitation = await em.findOne(Invitation, { token }, { populate: ['event.sessions'] });
  if (!invitation) throw notFound();
  if (invitation.revokedAt) throw new AppError('invitation_revoked');
  return invitation;
}

/** Whether an address holds a valid invitation to the event (the API registers only those). */
export async function isInvited(em: EntityManager, event: Event, email: string): Promise<boolean> {
  const count = await em.count(Invitation, { event: event.id, emailKey: email.trim().toLowerCase(), revokedAt: null });
  return count > 0;
}

/** The registration of the invited person, the address being the invitation's whatever the form says. */
export async function registerInvited(
  em: EntityManager,
  invitation: Invitation,
  raw: Record<string, unknown>,
  options: Omit<RegisterOptions, 'invited'> = {},
): Promise<Registration> {
  return register(em, invitation.event, { ...raw, email: invitation.email }, { ...options, invited: true });
}

/** The registration an invited address already holds (not cancelled), if any. */
export function registrationOf(em: EntityManager, invitation: Invitation): Promise<Registration | null> {
  return em.findOne(Registration, {
    event: invitation.event.id,
    emailKey: invitation.emailKey,
    status: { $ne: 'cancelled' },
  });
}
