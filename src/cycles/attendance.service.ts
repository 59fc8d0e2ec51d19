import type { EntityManager } from '@mikro-orm/core';
import { AppError, notFound } from '../errors.js';
import type { Event, EventSession } from '../events/event.entity.js';
import type { MailSettings } from '../mail/outbox.service.js';
import { setPresent } from '../registrations/check-in.service.js';
import { Registration } from '../registrations/registration.entity.js';
import { findEventRegistration } from '../registrations/registration.service.js';
import { ATTENDANCE_STATES, Attendance, type AttendanceState } from './attendance.entity.js';
import { meetingsOf } from './meetings.js';

/** Who an attendee's own change is recorded as. */
export const BY_ATTENDEE = 'attendee';

export interface AttendanceView {
  registrationId: number;
  sessionId: number;
  state: AttendanceState;
  updatedAt: Date | null;
  updatedBy: string | null;
}

function meetingOf(event: Event, sessionId: number): EventSession {
  const meeting = meetingsOf(event).find((s) => s.id === sessionId);
  if (!meeting) throw notFound();
  return meeting;
}

/** A registration's state at each meeting of its event (`expected` where nothing is recorded). */
export async function attendanceOf(em: EntityManager, registration: Registration): Promise<Map<number, Attendance>> {
  const rows = await em.find(Attendance, { registration: registration.id });
  return new Map(rows.map((row) => [row.session.id, row]));
}

async function upsert(
  em: EntityManager,
  registration: Registration,
  session: EventSession,
  state: AttendanceState,
  by: string,
  now: Date,
): Promise<Attendance> {
  const existing = await em.findOne(Attendance, { registration: registration.id, session: session.id });
  if (existing) {
    Object.assign(existing, { state, updatedAt: now, updatedBy: by.slice(0, 200) });
    await em.flush();
    return existing;
  }
  const row = em.create(Attendance, { registration, session, state, updatedAt: now, updatedBy: by.slice(0, 200) });
  await em.flush();
  return row;
}

const view = (row: Attendance): AttendanceView => ({
  registrationId: row.registration.id,
  sessionId: row.session.id,
  state: row.state,
  updatedAt: row.updatedAt,
  updatedBy: row.updatedBy,
});

/**
 * An organiser sets a confirmed person's state at one meeting. Marked present at any meeting, the
 * person counts as having come (`checkedInAt`, which the thank-you and the report read); no longer
 * present anywhere, that mark goes too.
 */
export async function setAttendance(
  em: EntityManager,
  event: Event,
  registrationId: number,
  sessionId: number,
  state: AttendanceState,
  by: string,
  now = new Date(),
): Promise<AttendanceView> {
  if (!ATTENDANCE_STATES.includes(state)) throw new AppError('validation_failed', [{ field: 'state', code: 'choice' }]);
  const registration = await findEventRegistration(em, event, registrationId);
  const session = meetingOf(event, sessionId);
  if (registration.status !== 'confirmed') throw new AppError('attendance_not_confirmed');
  const row = await upsert(em, registration, session, state, by, now);
  await syncCheckedIn(em, event, registration, now);
  return view(row);
}

async function syncCheckedIn(em: EntityManager, event: Event, registration: Registration, now: Date) {
  const present = await em.count(Attendance, { registration: registration.id, state: 'present' });
  if (present > 0 && !registration.checkedInAt) await setPresent(em, event, registration.id, true, { now });
  if (present === 0 && registration.checkedInAt) await setPresent(em, event, registration.id, false, { now });
}

/**
 * The check-in page of a cycle: marks a person present at one meeting, or undoes it. Someone waiting
 * or who had cancelled is admitted first, as on the single check-in (with their confirmation).
 */
export async function checkInAtMeeting(
  em: EntityManager,
  event: Event,
  registrationId: number,
  sessionId: number,
  present: boolean,
  options: { by: string; mail?: MailSettings; now?: Date },
): Promise<Registration> {
  const now = options.now ?? new Date();
  const session = meetingOf(event, sessionId);
  let registration = await findEventRegistration(em, event, registrationId);
  if (present && registration.status !== 'confirmed')
    registration = await setPresent(em, event, registration.id, true, { now, mail: options.mail });
  if (registration.status !== 'confirmed') throw new AppError('check_in_not_confirmed');
  await upsert(em, registration, session, present ? 'present' : 'expected', options.by, now);
  await syncCheckedIn(em, event, registration, now);
  return registration;
}

/**
 * The attendee says they will miss a meeting (excused), or that they will come after all. Only
 * before the meeting starts, while confirmed, and never over what an organiser recorded on the day.
 */
export async function excuseMyself(
  em: EntityManager,
  registration: Registration,
  sessionId: number,
  excused: boolean,
  now = new Date(),
): Promise<AttendanceView> {
  const session = meetingOf(registration.event, sessionId);
  if (registration.status !== 'confirmed') throw new AppError('attendance_not_confirmed');
  const current = await em.findOne(Attendance, { registration: registration.id, session: session.id });
  const state = current?.state ?? 'expected';
  if (session.startsAt <= now || state === 'present' || state === 'absent') throw new AppError('attendance_locked');
  const row = await upsert(em, registration, session, excused ? 'excused' : 'expected', BY_ATTENDEE, now);
  return view(row);
}

export interface MeetingAttendance {
  session: EventSession;
  counts: Record<AttendanceState, number>;
  people: Record<AttendanceState, { id: number; firstName: string; lastName: string; organisation: string }[]>;
}

/** Per meeting, the confirmed people by state, and how many in each. */
export async function attendanceByMeeting(em: EntityManager, event: Event): Promise<MeetingAttendance[]> {
  const meetings = meetingsOf(event);
  const registrations = await em.find(
    Registration,
    { event: event.id, status: 'confirmed' },
    { orderBy: { lastName: 'asc', firstName: 'asc', id: 'asc' } },
  );
  const rows = meetings.length ? await em.find(Attendance, { session: { $in: meetings.map((s) => s.id) } }) : [];
  const stateOf = new Map(rows.map((row) => [`${row.registration.id}:${row.session.id}`, row.state]));
  return meetings.map((session) => {
    const people = Object.fromEntries(ATTENDANCE_STATES.map((s) => [s, []])) as unknown as MeetingAttendance['people'];
    for (const r of registrations) {
      const state = stateOf.get(`${r.id}:${session.id}`) ?? 'expected';
      people[state].push({ id: r.id, firstName: r.firstName, lastName: r.lastName, organisation: r.organisation });
    }
    const counts = Object.fromEntries(
      ATTENDANCE_STATES.map((s) => [s, people[s].length]),
    ) as MeetingAttendance['counts'];
    return { session, counts, people };
  });
}

/** Each person's state at one meeting, for the check-in page. */
export async function statesAtMeeting(em: EntityManager, sessionId: number): Promise<Map<number, Attendance>> {
  const rows = await em.find(Attendance, { session: sessionId }, { populate: ['registration'] });
  return new Map(rows.map((row) => [row.registration.id, row]));
}
