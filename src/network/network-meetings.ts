/**
 * Attendance per meeting at the working groups, for the network statistics: pure functions over the
 * same plain rows as network-stats.ts (the attendance rows of src/cycles, read by network.service.ts).
 *
 * Rules, said on the page too:
 * - a meeting is a plenary session of the event (src/cycles/meetings.ts);
 * - the people counted are the confirmed registrations, as on the event's report;
 * - a person's state at a meeting is the one recorded (present, absent, excused); nothing recorded
 *   is "expected", except at a one-day event where nothing is recorded for that person at all:
 *   there, being checked in at the door means present at its meetings, as before cycles existed;
 * - a person is "present" in a year's figures when they came: checked in, or present at one
 *   meeting at least (counted once however many meetings they came to).
 */

export const MEETING_STATES = ['expected', 'excused', 'present', 'absent'] as const;
export type MeetingState = (typeof MEETING_STATES)[number];

/** A meeting of an event: one of its plenary sessions. */
export interface StatMeeting {
  id: number;
  title: string;
  /** ISO 8601, UTC. */
  startsAt: string;
}

/** What the meeting rules read of an event. */
export interface MeetingEvent {
  id: number;
  title: string;
  timezone?: string;
  /** Its meetings, in time order (none read: an event without plenary sessions). */
  meetings?: StatMeeting[];
  /** Meetings on several days: a cycle, whose attendance is only what is recorded per meeting. */
  cycle?: boolean;
}

/** What the meeting rules read of a registration. */
export interface MeetingRegistration {
  eventId: number;
  status: 'confirmed' | 'waitlisted' | 'cancelled';
  checkedIn: boolean;
  /** Its recorded states (src/cycles Attendance rows), one per meeting at most. */
  attendance?: { sessionId: number; state: MeetingState }[];
}

export interface MeetingCounts extends Record<MeetingState, number> {
  sessionId: number;
  title: string;
  startsAt: string;
}

export interface WorkingGroupEvent {
  id: number;
  title: string;
  timezone: string;
  cycle: boolean;
  meetings: MeetingCounts[];
}

/** A registration's state at one meeting of its event. */
export function stateAt(event: MeetingEvent, registration: MeetingRegistration, sessionId: number): MeetingState {
  const recorded = registration.attendance ?? [];
  const row = recorded.find((a) => a.sessionId === sessionId);
  if (row) return row.state;
  if (!event.cycle && recorded.length === 0 && registration.checkedIn) return 'present';
  return 'expected';
}

/** Whether the person came: checked in, or present at one meeting at least. */
export function attended(registration: MeetingRegistration): boolean {
  return registration.checkedIn || (registration.attendance ?? []).some((a) => a.state === 'present');
}

/** Per meeting of each event, how many confirmed people are expected, excused, present, absent. */
export function meetingAttendance(events: MeetingEvent[], registrations: MeetingRegistration[]): WorkingGroupEvent[] {
  const byEvent = new Map<number, MeetingRegistration[]>(events.map((e) => [e.id, []]));
  for (const r of registrations) if (r.status === 'confirmed') byEvent.get(r.eventId)?.push(r);
  const first = (e: WorkingGroupEvent) => e.meetings[0]?.startsAt ?? '';
  return events
    .map((event) => ({
      id: event.id,
      title: event.title,
      timezone: event.timezone ?? 'UTC',
      cycle: event.cycle ?? false,
      meetings: (event.meetings ?? []).map((meeting) => {
        const counts: Record<MeetingState, number> = { expected: 0, excused: 0, present: 0, absent: 0 };
        for (const r of byEvent.get(event.id) ?? []) counts[stateAt(event, r, meeting.id)]++;
        return { sessionId: meeting.id, title: meeting.title, startsAt: meeting.startsAt, ...counts };
      }),
    }))
    .sort((a, b) => (first(a) < first(b) ? -1 : first(a) > first(b) ? 1 : a.title.localeCompare(b.title, 'fr')));
}
