/** Time-zone arithmetic with Intl only: event times are entered and shown in the event's zone. */

export function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const partsFormatters = new Map<string, Intl.DateTimeFormat>();
function partsFormatter(tz: string): Intl.DateTimeFormat {
  let formatter = partsFormatters.get(tz);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    partsFormatters.set(tz, formatter);
  }
  return formatter;
}

function wallClock(
  date: Date,
  tz: string,
): { year: number; month: number; day: number; hour: number; minute: number; second: number } {
  const parts = Object.fromEntries(
    partsFormatter(tz)
      .formatToParts(date)
      .map((p) => [p.type, p.value]),
  );
  return {
    year: +parts.year,
    month: +parts.month,
    day: +parts.day,
    hour: +parts.hour,
    minute: +parts.minute,
    second: +parts.second,
  };
}

/** Milliseconds to add to UTC to get the wall-clock time in `tz` at that instant. */
function offsetAt(date: Date, tz: string): number {
  const w = wallClock(date, tz);
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - Math.floor(date.getTime() / 1000) * 1000;
}

const LOCAL_PATTERN = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?$/;

/** "2013-11-15T09:00" read in `tz` → the instant; null when the text is not such a time. */
export function zonedLocalToUtc(local: string, tz: string): Date | null {
  const m = LOCAL_PATTERN.exec(local.trim());
  if (!m) return null;
  const [year, month, day, hour, minute, second = '0'] = m.slice(1).map((v) => v ?? '0');
  const asUtc = Date.UTC(+year, +month - 1, +day, +hour, +minute, +second);
  const check = new Date(asUtc);
  if (check.getUTCMonth() !== +month - 1 || check.getUTCDate() !== +day || +hour > 23 || +minute > 59) return null;
  return wallClockToUtc(asUtc, tz);
}

/** A wall-clock time in `tz`, written as if it were UTC milliseconds, → the instant. */
function wallClockToUtc(asUtc: number, tz: string): Date {
  // Two passes settle the offset on either side of a daylight-saving change.
  let guess = asUtc - offsetAt(new Date(asUtc), tz);
  guess = asUtc - offsetAt(new Date(guess), tz);
  return new Date(guess);
}

/**
 * `date` moved by as much as `from` moves to `to`, counted on the wall clock of `tz`: a session at
 * 14:00 on the day of an event starting at 09:00 is still at 14:00 on the day of the moved event,
 * even when a daylight-saving change lies between the two dates.
 */
export function shiftOnWallClock(date: Date, from: Date, to: Date, tz: string): Date {
  const wall = (d: Date) => d.getTime() + offsetAt(d, tz);
  return wallClockToUtc(wall(date) + wall(to) - wall(from), tz);
}

/** The instant as "YYYY-MM-DDTHH:mm" in `tz`, the value a datetime-local input expects. */
export function utcToZonedLocal(date: Date, tz: string): string {
  const w = wallClock(date, tz);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${w.year}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}`;
}

// Building an Intl.DateTimeFormat costs far more than formatting with it (it showed in the
// profile of each registration's email): one per style, locale and zone, kept for the process.
const displayFormatters = new Map<string, Intl.DateTimeFormat>();
function displayFormatter(style: 'date' | 'time' | 'dateTime', tz: string, locale: string): Intl.DateTimeFormat {
  const key = `${style}|${locale}|${tz}`;
  let formatter = displayFormatters.get(key);
  if (!formatter) {
    const options: Intl.DateTimeFormatOptions =
      style === 'date'
        ? { dateStyle: 'full' }
        : style === 'time'
          ? { timeStyle: 'short' }
          : { dateStyle: 'medium', timeStyle: 'short' };
    formatter = new Intl.DateTimeFormat(locale, { timeZone: tz, ...options });
    displayFormatters.set(key, formatter);
  }
  return formatter;
}

export function formatDate(date: Date, tz: string, locale: string): string {
  return displayFormatter('date', tz, locale).format(date);
}

export function formatTime(date: Date, tz: string, locale: string): string {
  return displayFormatter('time', tz, locale).format(date);
}

export function formatDateTime(date: Date, tz: string, locale: string): string {
  return displayFormatter('dateTime', tz, locale).format(date);
}
