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

/** Every TZID parameter the calendar's properties use, and the TZIDs its VTIMEZONE blocks define. */
export function timezoneUse(text: string): { used: string[]; defined: string[] } {
  const calendar = new ICAL.Component(ICAL.parse(text));
  const used = new Set<string>();
  const walk = (component: InstanceType<typeof ICAL.Component>) => {
    if (component.name === 'vtimezone') return;
    for (const property of component.getAllProperties()) {
      const tzid = property.getParameter('tzid');
      if (tzid) used.add(String(tzid));
    }
    for (const child of component.getAllSubcomponents()) walk(child);
  };
  walk(calendar);
  const defined = calendar.getAllSubcomponents('vtimezone').map((vtz) => String(vtz.getFirstPropertyValue('tzid')));
  return { used: [...used].sort(), defined: defined.sort() };
}
