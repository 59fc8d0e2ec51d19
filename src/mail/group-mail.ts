import type { EntityManager } from '@mikro-orm/core';
import { sessionUid } from '../calendar/ics.js';
import type { Event, EventSession } from '../events/event.entity.js';
import { Registration } from '../registrations/registration.entity.js';
import { inviteEntries, inviteRequestMail, updateMail, visibleGroup, withdrawalMail } from './notifications.js';
import { type MailSettings, type NewMail, enqueue } from './outbox.service.js';

/**
 * The working-group email: sent when the assignments are published, and after that to whoever's
 * group changes. Only people whose group differs from the one their last invite held are written
 * to, so publishing again tells nobody twice.
 */

async function confirmedOf(em: EntityManager, event: Event): Promise<Registration[]> {
  if (!event.sessions.isInitialized()) await em.populate(event, ['sessions']);
  return em.find(
    Registration,
    // With an address: people registered without one (by hand, walk-ins) are written to by nobody.
    { event: event.id, status: 'confirmed', email: { $ne: '' } },
    { populate: ['group'], orderBy: { id: 'asc' } },
  );
}

const groupChanged = (event: Event, r: Registration, asPublished?: boolean) =>
  (visibleGroup(event, r, asPublished)?.id ?? null) !== (r.invitedGroupId ?? null);

/** How many confirmed attendees the publication (now or again) would write to. */
export async function pendingGroupChanges(em: EntityManager, event: Event): Promise<number> {
  return (await confirmedOf(em, event)).filter((r) => groupChanged(event, r, true)).length;
}

/**
 * Once the assignments are published: each confirmed attendee whose group is not the one of their
 * last invite gets the group email (their invite with the group), and a CANCEL of the group they
 * left. Returns how many people were written to. `cause` names this sending in the dedupe keys.
 */
export async function queueGroupChanges(
  em: EntityManager,
  event: Event,
  settings: MailSettings,
  cause: string,
): Promise<number> {
  const mails: NewMail[] = [];
  let people = 0;
  for (const r of await confirmedOf(em, event)) {
    if (!groupChanged(event, r)) continue;
    people += 1;
    const key = `event:${event.id}:${cause}:registration:${r.id}`;
    const left = event.sessions.getItems().find((s) => s.id === r.invitedGroupId && s.kind === 'breakout');
    // What their last invite held, and what it holds now: without a plenary, the event itself gives
    // way to the group (and comes back when they leave it).
    const uid = (s: EventSession | null) => sessionUid(event, s, settings.publicUrl);
    const before = inviteEntries(event, { group: left ?? null });
    const after = new Set(inviteEntries(event, r).map(uid));
    const withdrawn = before.filter((s) => !after.has(uid(s)));
    const added = after.size > before.filter((s) => after.has(uid(s))).length;
    if (withdrawn.length) mails.push(withdrawalMail(event, r, settings, `${key}:group_left`, withdrawn));
    if (visibleGroup(event, r)) mails.push(groupMail(event, r, settings, `${key}:group`));
    else if (added) mails.push(updateMail(event, r, settings, `${key}:update`));
    r.invitedGroupId = visibleGroup(event, r)?.id ?? null;
  }
  await enqueue(em, mails, settings);
  await em.flush();
  return people;
}

export function groupMail(
  event: Event,
  registration: Registration,
  settings: MailSettings,
  dedupeKey: string,
): NewMail {
  const group = visibleGroup(event, registration) as EventSession;
  return inviteRequestMail(event, registration, settings, dedupeKey, 'group', {
    event: event.title,
    group: group.title,
  });
}
