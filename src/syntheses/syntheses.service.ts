import type { EntityManager } from '@mikro-orm/core';
import { createHash, randomBytes } from 'node:crypto';
import type { Event, EventSession } from '../events/event.entity.js';
import { breakouts } from '../events/event-rules.js';
import { ValidationError, notFound } from '../errors.js';
import { retentionEndsAt } from '../privacy/privacy.service.js';
import { setPresent } from '../registrations/check-in.service.js';
import { Registration } from '../registrations/registration.entity.js';
import { hasControlCharacters } from '../shared/text.js';
import { SYNTHESIS_MAX_LENGTH, renderMarkdown } from './markdown.js';
import { FacilitatorLink, GroupSynthesis } from './synthesis.entity.js';

/**
 * After the workshop: each breakout group's synthesis, written by its facilitator through a personal
 * link that opens that group's page and nothing else, then assembled by the organisers into one document.
 */

/** A facilitator link's token: 256 random bits in base64url (43 characters), like the attendees' private links. */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** The event's breakout group `groupId`, or a 404 (another event's session, or a plenary). */
export function groupOf(event: Event, groupId: number): EventSession {
  const group = breakouts(event).find((s) => s.id === groupId);
  if (!group) throw notFound();
  return group;
}

/**
 * Issues the group's facilitator link, replacing any earlier one (which stops working at once).
 * Returns the token: only its hash is kept, so the organiser sees the link this once.
 */
export async function issueFacilitatorLink(em: EntityManager, event: Event, groupId: number, now = new Date()) {
  const group = groupOf(event, groupId);
  const token = randomBytes(32).toString('base64url');
  const existing = await em.findOne(FacilitatorLink, { session: group.id });
  if (existing) Object.assign(existing, { tokenHash: hashToken(token), createdAt: now });
  else em.create(FacilitatorLink, { session: group, tokenHash: hashToken(token), createdAt: now });
  await em.flush();
  return token;
}

/** Revokes the group's facilitator link: /f/<token> answers 404 from now on. */
export async function revokeFacilitatorLink(em: EntityManager, event: Event, groupId: number): Promise<void> {
  const group = groupOf(event, groupId);
  await em.nativeDelete(FacilitatorLink, { session: group.id });
}

export interface FacilitatorScope {
  event: Event;
  group: EventSession;
}

/**
 * What a facilitator link opens: one group of one event. Unknown, revoked or malformed tokens, a
 * session no longer a breakout group, and an event past its retention all answer the same 404.
 */
export async function facilitatorScope(em: EntityManager, token: string, now = new Date()): Promise<FacilitatorScope> {
  if (!TOKEN_PATTERN.test(token)) throw notFound();
  const link = await em.findOne(
    FacilitatorLink,
    { tokenHash: hashToken(token) },
    { populate: ['session', 'session.event', 'session.event.sessions'] },
  );
  if (link?.session.kind !== 'breakout') throw notFound();
  const event = link.session.event;
  if (retentionEndsAt(event) <= now) throw notFound();
  return { event, group: link.session };
}

const byName = (a: Registration, b: Registration) =>
  a.lastName.localeCompare(b.lastName, 'fr', { sensitivity: 'base' }) ||
  a.firstName.localeCompare(b.firstName, 'fr', { sensitivity: 'base' });

/** The group's confirmed members, by last then first name. */
export async function groupMembers(em: EntityManager, scope: FacilitatorScope): Promise<Registration[]> {
  const members = await em.find(Registration, {
    event: scope.event.id,
    group: scope.group.id,
    status: 'confirmed',
  });
  return members.sort(byName);
}

/** Marks a member of the group present (or not): anyone else, even of the same event, is a 404. */
export async function checkInMember(
  em: EntityManager,
  scope: FacilitatorScope,
  registrationId: number,
  present: boolean,
): Promise<Registration> {
  const registration = Number.isSafeInteger(registrationId)
    ? await em.findOne(Registration, {
        id: registrationId,
        event: scope.event.id,
        group: scope.group.id,
        status: 'confirmed',
      })
    : null;
  if (!registration) throw notFound();
  return setPresent(em, scope.event, registration.id, present);
}

export async function findSynthesis(em: EntityManager, group: EventSession): Promise<GroupSynthesis | null> {
  return em.findOne(GroupSynthesis, { session: group.id });
}

/** Saves the group's synthesis (Markdown), replacing the previous text; `by`: `facilitator` or an organiser's email. */
export async function saveSynthesis(
  em: EntityManager,
  group: EventSession,
  text: string,
  by: string,
  now = new Date(),
): Promise<GroupSynthesis> {
  const normalised = text.replace(/\r\n?/g, '\n').trimEnd();
  if (normalised.length > SYNTHESIS_MAX_LENGTH)
    throw new ValidationError([{ field: 'text', code: 'too_long', params: { max: SYNTHESIS_MAX_LENGTH } }]);
  if (hasControlCharacters(normalised)) throw new ValidationError([{ field: 'text', code: 'control_characters' }]);
  const existing = await findSynthesis(em, group);
  const synthesis = existing ?? em.create(GroupSynthesis, { session: group, text: '', updatedAt: now, updatedBy: by });
  Object.assign(synthesis, { text: normalised, updatedAt: now, updatedBy: by.slice(0, 254) });
  await em.flush();
  return synthesis;
}

export interface SynthesisEntry {
  group: EventSession;
  members: number;
  synthesis: GroupSynthesis | null;
  /** The synthesis as sanitised HTML ('' when there is none yet). */
  html: string;
  /** When the facilitator's current link was issued; null: no link. */
  linkIssuedAt: Date | null;
}

/** Every breakout group of the event with its synthesis, in the programme's order: the assembled document. */
export async function assembleSyntheses(em: EntityManager, event: Event): Promise<SynthesisEntry[]> {
  const groups = breakouts(event);
  const ids = groups.map((g) => g.id);
  const syntheses = ids.length ? await em.find(GroupSynthesis, { session: { $in: ids } }) : [];
  const links = ids.length ? await em.find(FacilitatorLink, { session: { $in: ids } }) : [];
  const counts = await memberCounts(em, event);
  return groups.map((group) => {
    const synthesis = syntheses.find((s) => s.session.id === group.id) ?? null;
    return {
      group,
      members: counts.get(group.id) ?? 0,
      synthesis,
      html: synthesis?.text ? renderMarkdown(synthesis.text) : '',
      linkIssuedAt: links.find((l) => l.session.id === group.id)?.createdAt ?? null,
    };
  });
}

async function memberCounts(em: EntityManager, event: Event): Promise<Map<number, number>> {
  const rows: { group_id: number | null; count: number | string }[] = await em
    .getConnection()
    .execute(
      "select group_id, count(*) as count from registration where event_id = ? and status = 'confirmed' group by group_id",
      [event.id],
      'all',
      em.getTransactionContext(),
    );
  return new Map(rows.filter((r) => r.group_id != null).map((r) => [Number(r.group_id), Number(r.count)]));
}
