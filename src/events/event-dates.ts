import { tzlib_get_ical_block, tzlib_get_timezones } from 'timezones-ical-library';
import type { FieldError } from '../errors.js';
import { utcToZonedLocal } from '../shared/time.js';

/**
 * Dates an event or session may carry. Years like 0000 or 9999 are typing slips that calendars,
 * databases and reports handle badly; a workshop a century away is not a real plan.
 */
export const EVENT_YEARS = { min: 2000, max: 2100 } as const;

const isValidDate = (d: unknown): d is Date => d instanceof Date && !Number.isNaN(d.getTime());

/** A `date_range` error for each given date whose year (in UTC) lies outside EVENT_YEARS. */
export function yearRangeErrors(dates: [field: string, date: Date | null | undefined][]): FieldError[] {
  return dates
    .filter(([, date]) => isValidDate(date) && (yearOf(date) < EVENT_YEARS.min || yearOf(date) > EVENT_YEARS.max))
    .map(([field]) => ({ field, code: 'date_range', params: { min: EVENT_YEARS.min, max: EVENT_YEARS.max } }));
}

const yearOf = (date: Date | null | undefined) => (date as Date).getUTCFullYear();

/** The zones timezones-ical-library has a VTIMEZONE for, by lower-case name. */
let knownZones: Map<string, string> | null = null;
function zonesByLowerCase(): Map<string, string> {
  if (!knownZones) {
    const names = tzlib_get_timezones();
    knownZones = new Map((Array.isArray(names) ? names : []).map((name) => [name.toLowerCase(), name]));
  }
  return knownZones;
}

/** The TZID of the VTIMEZONE block the library gives for a zone name (its canonical IANA name). */
function blockTzid(name: string): string | null {
  const block = tzlib_get_ical_block(name);
  const text = Array.isArray(block) ? block[0] : null;
  if (!text) return null;
  const line = text.split(/\r?\n/).find((l) => l.startsWith('TZID:'));
  return line ? line.slice('TZID:'.length).trim() : null;
}

function intlZone(tz: string): string | null {
  try {
    return new Intl.DateTimeFormat('en', { timeZone: tz }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

/**
 * The canonical IANA name of a time zone as typed (`utc` → `UTC`, `Europe/paris` → `Europe/Paris`,
 * `US/Pacific-New` → `America/Los_Angeles`), or null when it names no zone. Every name returned other
 * than `UTC` has a VTIMEZONE in timezones-ical-library, so invites can carry its definition; UTC
 * needs none (times are written with Z).
 */
export function canonicalTimeZone(tz: string): string | null {
  // Worked out once per name: every email's invite asks, and the answer never changes.
  if (canonicalZones.has(tz)) return canonicalZones.get(tz) ?? null;
  const canonical = findCanonicalTimeZone(tz);
  if (tz.length > 100) return canonical;
  if (canonicalZones.size >= 1000) canonicalZones.clear();
  canonicalZones.set(tz, canonical);
  return canonical;
}

const canonicalZones = new Map<string, string | null>();

function findCanonicalTimeZone(tz: string): string | null {
  const typed = tz.trim();
  if (!typed || typed.length > 64) return null;
  const resolved = intlZone(typed);
  if (!resolved) return null;
  if (resolved === 'UTC' || resolved === 'Etc/UTC') return 'UTC';
  const known = zonesByLowerCase().get(typed.toLowerCase());
  return (known && blockTzid(known)) || blockTzid(resolved) || null;
}

/** The errors of a time zone: unknown names are refused. */
export function timeZoneErrors(tz: string | undefined): FieldError[] {
  return tz !== undefined && canonicalTimeZone(tz) === null ? [{ field: 'timezone', code: 'timezone' }] : [];
}

export interface TimeZoneGroup {
  /** The name's first part (Europe, America…), or "Etc" for UTC. */
  region: string;
  zones: { value: string; label: string }[];
}

let zoneGroups: TimeZoneGroup[] | null = null;

/**
 * The zones an organiser picks an event's from, grouped by region: every zone this Node knows, and
 * UTC. `current` (an event's stored zone, canonical and possibly named otherwise here) is added to
 * its region when the list lacks it, so editing an event never loses its zone.
 */
export function timeZoneChoices(current?: string): TimeZoneGroup[] {
  zoneGroups ??= groupZones(['UTC', ...Intl.supportedValuesOf('timeZone')]);
  const known = zoneGroups.some((g) => g.zones.some((z) => z.value === current));
  if (!current || known || !canonicalTimeZone(current)) return zoneGroups;
  return groupZones([current, ...zoneGroups.flatMap((g) => g.zones.map((z) => z.value))]);
}

function groupZones(names: string[]): TimeZoneGroup[] {
  const groups = new Map<string, TimeZoneGroup['zones']>();
  for (const name of [...new Set(names)].sort()) {
    const slash = name.indexOf('/');
    const region = slash < 0 ? 'Etc' : name.slice(0, slash);
    const label = (slash < 0 ? name : name.slice(slash + 1)).replaceAll('_', ' ').replaceAll('/', ' – ');
    const zones = groups.get(region) ?? [];
    zones.push({ value: name, label });
    groups.set(region, zones);
  }
  // French organisers first find Europe; UTC last.
  const rank = (region: string) => (region === 'Europe' ? 0 : region === 'Etc' ? 2 : 1);
  return [...groups]
    .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b))
    .map(([region, zones]) => ({ region, zones }));
}

interface Period {
  startsAt: Date | null | undefined;
  endsAt: Date | null | undefined;
}

/**
 * A session must take place within its event's days, counted in the event's zone: it may not start
 * before the day the event starts nor end after the day it ends.
 */
export function sessionOutsideEventErrors(
  event: Period & { timezone?: string },
  session: Period,
  prefix = '',
): FieldError[] {
  const { startsAt, endsAt } = event;
  if (!isValidDate(startsAt) || !isValidDate(endsAt)) return [];
  // A year out of range is reported as such (validateSession), not twice.
  if (
    yearRangeErrors([
      ['', session.startsAt],
      ['', session.endsAt],
    ]).length
  )
    return [];
  const tz = canonicalTimeZone(event.timezone ?? 'Europe/Paris') ?? 'UTC';
  const day = (d: Date) => utcToZonedLocal(d, tz).slice(0, 10);
  const field = (name: string) => (prefix ? `${prefix}.${name}` : name);
  const params = { start: day(startsAt), end: day(endsAt) };
  const errors: FieldError[] = [];
  if (isValidDate(session.startsAt) && day(session.startsAt) < params.start)
    errors.push({ field: field('startsAt'), code: 'session_outside_event', params });
  if (isValidDate(session.endsAt) && day(session.endsAt) > params.end)
    errors.push({ field: field('endsAt'), code: 'session_outside_event', params });
  return errors;
}

/** The date rules of an event, and where the sessions it is given with fall (their own rules: validateSession). */
export function eventDateErrors(input: {
  startsAt: Date | null | undefined;
  endsAt: Date | null | undefined;
  registrationOpensAt?: Date | null;
  registrationClosesAt?: Date | null;
  timezone?: string;
  sessions?: Period[];
}): FieldError[] {
  const errors = yearRangeErrors([
    ['startsAt', input.startsAt],
    ['endsAt', input.endsAt],
    ['registrationOpensAt', input.registrationOpensAt],
    ['registrationClosesAt', input.registrationClosesAt],
  ]);
  input.sessions?.forEach((session, index) =>
    errors.push(...sessionOutsideEventErrors(input, session, `sessions.${index}`)),
  );
  return errors;
}
