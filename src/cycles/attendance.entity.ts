import { type InferEntity, defineEntity, p } from '@mikro-orm/core';
import { EventSession } from '../events/event.entity.js';
import { Registration } from '../registrations/registration.entity.js';

/** Every state of a person at one meeting, in the order pages list them. */
export const ATTENDANCE_STATES = ['expected', 'excused', 'present', 'absent'] as const;
export type AttendanceState = (typeof ATTENDANCE_STATES)[number];

/**
 * A registration's attendance at one meeting (a plenary session) of an event. No row means
 * `expected`: rows are written when someone says they will miss a meeting (excused), or an organiser
 * marks them present or absent.
 */
export const Attendance = defineEntity({
  name: 'Attendance',
  uniques: [{ properties: ['registration', 'session'], name: 'attendance_registration_session_unique' }],
  properties: {
    id: p.integer().primary().autoincrement(),
    registration: () => p.manyToOne(Registration).deleteRule('cascade'),
    session: () => p.manyToOne(EventSession).deleteRule('cascade').index(),
    state: p.string().$type<AttendanceState>().length(16),
    updatedAt: p.datetime(),
    /** Who set the state: the organiser's name (and address), or `attendee` for the person themself. */
    updatedBy: p.string().length(200),
  },
});

export type Attendance = InferEntity<typeof Attendance>;
