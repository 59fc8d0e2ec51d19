import ICAL from 'ical.js';

export interface ParsedEvent {
  uid: string;
  summary: string;
  start: Date;
  end: Date;
  tzid: string | null;
  sequence: number;
  location: string;
  attendees: string[];
  organizer: string | null;
  status: string | null;
}

/** Parses an iCalendar text with ical.js, resolving times through the file's own VTIMEZONE. */
export function parseCalendar(text: string): { method: string | null; timezones: string[]; events: ParsedEvent[] } {
  const calendar = new ICAL.Component(ICAL.parse(text));
  const timezones = calendar.getAllSubcomponents('vtimezone').map((vtz) => {
    const tz = new ICAL.Timezone(vtz);
    ICAL.TimezoneService.register(tz, tz.tzid);
    return tz.tzid;
  });
  const events = calendar.getAllSubcomponents('vevent').map((vevent) => {
    const event = new ICAL.Event(vevent);
    const dtstart = vevent.getFirstProperty('dtstart');
    return {
      uid: event.uid,
      summary: event.summary,
      start: event.startDate.toJSDate(),
      end: event.endDate.toJSDate(),
      tzid: (dtstart?.getParameter('tzid') as string | undefined) ?? null,
      sequence: event.sequence,
      location: event.location,
      attendees: event.attendees.map((a) => String(a.getFirstValue()).toLowerCase()),
      organizer: (vevent.getFirstPropertyValue('organizer') as string | null) ?? null,
      status: (vevent.getFirstPropertyValue('status') as string | null) ?? null,
    };
  });
  return { method: (calendar.getFirstPropertyValue('method') as string | null) ?? null, timezones, events };
}
