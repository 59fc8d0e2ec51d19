import t from 'tap';
import { findEvent, updateEvent } from '../../src/events/event.service.js';
import { Registration } from '../../src/registrations/registration.entity.js';
import { zonedLocalToUtc } from '../../src/shared/time.js';
import { Browser, PUBLIC_URL, buildTestApp } from '../support/app.js';
import { attendee, openEvent } from '../support/events.js';
import { parseCalendar, timezoneUse } from '../support/ical.js';

const { app, orm } = await buildTestApp(t);
const em = () => orm.em.fork();

// Winter and summer dates, so both sides of daylight saving time are checked against Paris time.
const year = new Date().getUTCFullYear() + 1;
const paris = (local: string) => zonedLocalToUtc(local, 'Europe/Paris') as Date;

async function workshop(month: string) {
  return openEvent(em(), {
    startsAt: paris(`${year}-${month}-15T09:00`),
    endsAt: paris(`${year}-${month}-15T12:30`),
    sessions: [
      {
        kind: 'plenary',
        title: 'Plénière',
        room: 'Grande salle',
        startsAt: paris(`${year}-${month}-15T09:00`),
        endsAt: paris(`${year}-${month}-15T10:30`),
      },
      {
        kind: 'breakout',
        title: 'Groupe 1',
        room: 'Salle 1',
        facilitator: 'Alisée',
        startsAt: paris(`${year}-${month}-15T10:45`),
        endsAt: paris(`${year}-${month}-15T12:30`),
        capacity: 20,
      },
    ],
  });
}

t.test('the event calendar is valid iCalendar with the plenary in the event time zone', async (t) => {
  for (const [month, utcHour] of [
    ['11', 8],
    ['06', 7],
  ] as const) {
    const event = await workshop(month);
    const res = await new Browser(app).get(`/e/${event.slug}/event.ics`);
    t.equal(res.statusCode, 200);
    t.match(res.headers['content-type'], /^text\/calendar/);
    t.match(res.headers['content-disposition'], `${event.slug}.ics`);
    t.match(res.body, /^BEGIN:VCALENDAR\r\n/, 'CRLF line endings');
    const calendar = parseCalendar(res.body);
    t.same(calendar.timezones, ['Europe/Paris'], 'a VTIMEZONE for the event zone');
    t.equal(calendar.method, 'PUBLISH');
    t.equal(calendar.events.length, 1, 'the plenary only: groups are per attendee');
    const [plenary] = calendar.events;
    t.equal(plenary.tzid, 'Europe/Paris');
    t.equal(plenary.start.toISOString(), `${year}-${month}-15T0${utcHour}:00:00.000Z`, '09:00 in Paris');
    t.equal(plenary.end.getTime() - plenary.start.getTime(), 90 * 60_000);
    t.match(plenary.summary, 'Plénière');
    t.match(plenary.location, 'Grande salle');
    t.equal(plenary.uid, `atelier-event-${event.id}-session-${event.sessions[0].id}@atelier.test`);
  }
});

t.test('an attendee invite carries the attendee, stable UIDs and their group once assigned', async (t) => {
  const event = await workshop('11');
  const browser = new Browser(app);
  const res = await browser.submit(`/e/${event.slug}/register`, `/e/${event.slug}/register`, attendee(1));
  const token = String(res.headers.location).split('/')[2].split('?')[0];
  const first = parseCalendar((await browser.get(`/r/${token}/invite.ics`)).body);
  t.equal(first.events.length, 1);
  t.same(first.events[0].attendees, ['mailto:personne1@exemple.fr']);

  const fork = em();
  const registration = await fork.findOneOrFail(Registration, { token }, { populate: ['event.sessions'] });
  registration.group = registration.event.sessions.getItems().find((s) => s.kind === 'breakout')!;
  await fork.flush();
  t.equal(
    parseCalendar((await browser.get(`/r/${token}/invite.ics`)).body).events.length,
    1,
    'the group stays hidden until the assignments are published',
  );
  registration.event.assignmentsPublishedAt = new Date();
  await fork.flush();

  const second = parseCalendar((await browser.get(`/r/${token}/invite.ics`)).body);
  t.equal(second.events.length, 2, 'plenary and group');
  t.equal(second.events[0].uid, first.events[0].uid, 'same UID for the plenary');
  const group = second.events[1];
  t.match(group.summary, 'Groupe 1');
  t.match(group.location, 'Salle 1');
  t.equal(group.start.toISOString(), `${year}-11-15T09:45:00.000Z`);
});

t.test('moving the event raises SEQUENCE and keeps the UIDs', async (t) => {
  const event = await workshop('11');
  const before = parseCalendar((await new Browser(app).get(`/e/${event.slug}/event.ics`)).body).events[0];
  const fork = em();
  const loaded = await findEvent(fork, event.id);
  const plenary = loaded.sessions.getItems()[0];
  await updateEvent(fork, loaded, {
    sessions: loaded.sessions.getItems().map((s) => ({
      id: s.id,
      kind: s.kind,
      title: s.title,
      room: s.id === plenary.id ? 'Auditorium' : s.room,
      startsAt: s.startsAt,
      endsAt: s.endsAt,
      capacity: s.capacity,
    })),
  });
  const after = parseCalendar((await new Browser(app).get(`/e/${event.slug}/event.ics`)).body).events[0];
  t.equal(after.uid, before.uid);
  t.ok(after.sequence > before.sequence, 'a higher SEQUENCE so calendars update the meeting');
  t.match(after.location, 'Auditorium');
});

t.test('UIDs use the public URL host', async (t) => {
  t.equal(new URL(PUBLIC_URL).hostname, 'atelier.test');
});

t.test('every TZID an invite uses has its VTIMEZONE, whatever name the event zone was stored under', async (t) => {
  // Zones stored before names were canonicalised: an alias, a lower-case spelling, a legacy name, UTC.
  for (const [stored, tzid] of [
    ['US/Pacific', 'America/Los_Angeles'],
    ['Europe/paris', 'Europe/Paris'],
    ['Asia/Calcutta', 'Asia/Kolkata'],
    ['utc', null],
    ['Europe/Paris', 'Europe/Paris'],
  ] as const) {
    const event = await workshop('11');
    const fork = em();
    await fork.nativeUpdate('Event', { id: event.id }, { timezone: stored });
    const browser = new Browser(app);
    const res = await browser.submit(`/e/${event.slug}/register`, `/e/${event.slug}/register`, attendee(1));
    const token = String(res.headers.location).split('/')[2].split('?')[0];
    for (const path of [`/e/${event.slug}/event.ics`, `/r/${token}/invite.ics`]) {
      const text = (await browser.get(path)).body;
      const { used, defined } = timezoneUse(text);
      t.same(used, tzid ? [tzid] : [], `${stored}: ${path} uses the canonical TZID`);
      t.same(defined, used, `${stored}: ${path} defines each TZID it uses`);
      const calendar = parseCalendar(text);
      t.equal(calendar.events[0].start.toISOString(), event.sessions[0].startsAt.toISOString(), 'the same instant');
    }
  }
});
