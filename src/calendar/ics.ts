import icalGenerator, {
  ICalAttendeeRole,
  ICalAttendeeStatus,
  ICalCalendarMethod,
  ICalEventStatus,
} from 'ical-generator';
import { DateTime } from 'luxon';
import { tzlib_get_ical_block } from 'timezones-ical-library';
import { canonicalTimeZone } from '../events/event-dates.js';
import type { Event, EventSession } from '../events/event.entity.js';
import { plenaries } from '../events/event-rules.js';
import type { Registration } from '../registrations/registration.entity.js';

export interface CalendarOptions {
  publicUrl: string;
  registration?: Registration;
  /** Include the registration's breakout group (only once assignments are visible to attendees). */
  showGroup?: boolean;
  method?: 'PUBLISH' | 'REQUEST' | 'CANCEL';
  organiserEmail?: string;
  organiserName?: string;
  /** The entries to write instead of the registration's (e.g. only the sessions a CANCEL withdraws); null is the event itself. */
  sessions?: (EventSession | null)[];
  /** SEQUENCE to write instead of the event's (a CANCEL of one registration goes one above). */
  sequence?: number;
}

/** Stable across every invite for the same session, so calendar clients update instead of duplicating. */
export function sessionUid(event: Event, session: EventSession | null, publicUrl: string): string {
  const host = new URL(publicUrl).hostname;
  return session ? `atelier-event-${event.id}-session-${session.id}@${host}` : `atelier-event-${event.id}@${host}`;
}

// By canonical zone name (the library's own list, some 600): every invite asks for its event's.
const vtimezones = new Map<string, string | null>();
function vtimezone(tz: string): string | null {
  if (!vtimezones.has(tz)) {
    const block = tzlib_get_ical_block(tz);
    vtimezones.set(tz, Array.isArray(block) && block[0] ? block[0] : null);
  }
  return vtimezones.get(tz) ?? null;
}

/**
 * The zone an invite's times are written in: the event's, by its canonical name, which is the TZID of
 * the library's VTIMEZONE (an alias such as `US/Pacific` would name a TZID no block defines). UTC, or
 * a zone without a definition, is written as UTC times (…Z), which need no VTIMEZONE.
 */
function calendarZone(eventZone: string): string {
  const tz = canonicalTimeZone(eventZone);
  return tz && tz !== 'UTC' && vtimezone(tz) ? tz : 'UTC';
}

/**
 * ical-generator writes DTSTAMP in the calendar's zone when the calendar has one, but RFC 5545
 * requires UTC there; so the zone is set per event (DTSTART;TZID=…) and its VTIMEZONE added here.
 */
function withTimezone(ics: string, ...zones: string[]): string {
  const blocks = [...new Set(zones)].map((tz) => (tz === 'UTC' ? null : vtimezone(tz))).filter((b) => b !== null);
  if (!blocks.length) return ics;
  const at = ics.indexOf('BEGIN:VEVENT');
  const text = blocks.map((block) => `${block.replace(/\r?\n$/, '')}\r\n`).join('');
  return at < 0 ? ics : `${ics.slice(0, at)}${text}${ics.slice(at)}`;
}

/** Times are given to ical-generator as Luxon values in the event's zone, so they print as wall-clock time there. */
const zoned = (date: Date, tz: string) => DateTime.fromJSDate(date, { zone: tz });

export function sessionsInCalendar(event: Event, registration?: Registration, showGroup = false): EventSession[] {
  const sessions = plenaries(event);
  if (registration && showGroup && registration.group) sessions.push(registration.group);
  return sessions.sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
}

/** The VEVENTs of an invite: its sessions, or the event itself when it has no plenary (null). */
export function calendarEntries(event: Event, registration?: Registration, showGroup = false): (EventSession | null)[] {
  const sessions = sessionsInCalendar(event, registration, showGroup);
  return sessions.length ? sessions : [null];
}

/** An RFC 5545 calendar for the event: its plenary sessions and, for a registration, its breakout group. */
export function buildCalendar(event: Event, options: CalendarOptions): string {
  const method = options.method ?? 'PUBLISH';
  const calendar = icalGenerator({
    prodId: { company: 'Atelier', product: 'atelier', language: 'FR' },
    name: event.title,
    method: ICalCalendarMethod[method],
  });
  const manageUrl = options.registration
    ? `${options.publicUrl}/r/${options.registration.token}`
    : `${options.publicUrl}/e/${event.slug}`;
  const entries = options.sessions ?? calendarEntries(event, options.registration, options.showGroup);
  const tz = calendarZone(event.timezone);
  for (const session of entries) {
    const entry = calendar.createEvent({
      id: sessionUid(event, session, options.publicUrl),
      sequence: options.sequence ?? event.sequence,
      start: zoned(session?.startsAt ?? event.startsAt, tz),
      end: zoned(session?.endsAt ?? event.endsAt, tz),
      timezone: tz,
      stamp: new Date(),
      summary: session ? `${event.title} — ${session.title}` : event.title,
      description: describe(event, session, manageUrl),
      location: [session?.room, event.venue, event.address].filter(Boolean).join(', '),
      url: manageUrl,
      status: method === 'CANCEL' ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
    });
    if (options.organiserEmail)
      entry.organizer({ name: parameterText(options.organiserName ?? event.title), email: options.organiserEmail });
    // A person registered without an address (by hand, a walk-in) is never sent one; no ATTENDEE without an email.
    if (options.registration?.email) {
      entry.createAttendee({
        email: options.registration.email,
        name: parameterText(`${options.registration.firstName} ${options.registration.lastName}`),
        role: ICalAttendeeRole.REQ,
        status: method === 'CANCEL' ? ICalAttendeeStatus.DECLINED : ICalAttendeeStatus.ACCEPTED,
      });
    }
  }
  return withTimezone(calendar.toString(), tz);
}

/**
 * The public agenda for calendar subscription: each event's plenary sessions (or the event itself
 * when it has none), as published, without any attendee.
 */
export function buildAgendaCalendar(events: Event[], publicUrl: string, name: string): string {
  const calendar = icalGenerator({
    prodId: { company: 'Atelier', product: 'atelier', language: 'FR' },
    name,
    method: ICalCalendarMethod.PUBLISH,
  });
  const zones = events.map((event) => calendarZone(event.timezone));
  events.forEach((event, i) => {
    const url = `${publicUrl}/e/${event.slug}`;
    for (const session of calendarEntries(event)) {
      calendar.createEvent({
        id: sessionUid(event, session, publicUrl),
        sequence: event.sequence,
        start: zoned(session?.startsAt ?? event.startsAt, zones[i]),
        end: zoned(session?.endsAt ?? event.endsAt, zones[i]),
        timezone: zones[i],
        stamp: new Date(),
        summary: session ? `${event.title} — ${session.title}` : event.title,
        description: describe(event, session, url),
        location: [session?.room, event.venue, event.address].filter(Boolean).join(', '),
        url,
        status: ICalEventStatus.CONFIRMED,
      });
    }
  });
  return withTimezone(calendar.toString(), ...zones);
}

/**
 * A name for a CN parameter. RFC 5545 parameter values cannot hold a double quote and give the
 * backslash no escaping (ical-generator writes `\"` and `\\`, which calendar clients misread), so
 * those become an apostrophe and a slash; line breaks become spaces.
 */
function parameterText(name: string): string {
  return name
    .replace(/"/g, "'")
    .replace(/\\/g, '/')
    .replace(/[\r\n]+/g, ' ');
}

function describe(event: Event, session: EventSession | null, url: string): string {
  return [session?.topic, session?.facilitator ? `Animation : ${session.facilitator}` : '', event.description, url]
    .filter(Boolean)
    .join('\n\n');
}
