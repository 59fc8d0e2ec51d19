import { canonicalTimeZone } from '../events/event-dates.js';
import type { Event, EventSession } from '../events/event.entity.js';
import { plenaries } from '../events/event-rules.js';
import { utcToZonedLocal } from '../shared/time.js';

/**
 * A cycle of meetings is an ordinary event whose plenary sessions fall on more than one day (in the
 * event's zone): each plenary is a meeting, one registration covers them all, and attendance is kept
 * per meeting. Nothing else marks an event as a cycle.
 */

/** The meetings of an event: its plenary sessions, in time order. */
export function meetingsOf(event: Event): EventSession[] {
  return plenaries(event).sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime() || a.id - b.id);
}

/** Whether the event's plenaries are spread over several days. */
export function isCycle(event: Event): boolean {
  const tz = canonicalTimeZone(event.timezone) ?? 'UTC';
  const days = new Set(meetingsOf(event).map((s) => utcToZonedLocal(s.startsAt, tz).slice(0, 10)));
  return days.size > 1;
}

/** The meeting a check-in page opens on: the one asked for, else today's or the next one, else the last. */
export function currentMeeting(event: Event, asked: number | undefined, now = new Date()): EventSession | undefined {
  const meetings = meetingsOf(event);
  const chosen = meetings.find((s) => s.id === asked);
  if (chosen) return chosen;
  const dayStart = new Date(now.getTime() - 12 * 3600_000);
  return meetings.find((s) => s.endsAt >= dayStart) ?? meetings.at(-1);
}

/**
 * What an update of a cycle's invite holds: only the meetings that moved or were added (given as
 * copies, answered with the event's own sessions), their SEQUENCE raised, the others left as they
 * are in calendars. Undefined for any other event, whose updates carry the whole invite.
 */
export function movedOnly(
  event: Event,
  moved: { session: EventSession | null }[],
): (EventSession | null)[] | undefined {
  if (!isCycle(event)) return undefined;
  const current = (copy: EventSession) => event.sessions.getItems().find((s) => s.id === copy.id) ?? copy;
  return moved.map(({ session }) => (session ? current(session) : null));
}
