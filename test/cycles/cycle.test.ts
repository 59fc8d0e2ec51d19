import t from 'tap';
import { createApiToken } from '../../src/organisers/organiser.service.js';
import { Registration } from '../../src/registrations/registration.entity.js';
import { Browser, ORGANISER, csrfFrom, signedInOrganiser, textOf } from '../support/app.js';
import { attendee } from '../support/events.js';
import { parseCalendar } from '../support/ical.js';
import { calendarOf } from '../support/smtp.js';
import { buildMailTestApp } from '../support/mail-app.js';

/**
 * A cycle of meetings: one event whose three plenaries fall months apart. One registration covers
 * them all (three VEVENTs), a moved meeting is updated in calendars, a member excuses themself from
 * one meeting, and attendance is counted per meeting (check-in page, API, attendance page, report).
 */

const { smtp, app, orm, deliverNew } = await buildMailTestApp(t);
const organiser = await signedInOrganiser(app);
// The organiser's own token: the events it creates are theirs, on the pages too.
const auth = { authorization: `Bearer ${await createApiToken(orm.em.fork(), ORGANISER.email)}` };

/** Set-up steps that must work for the tests to mean anything (top-level asserts would end the file early). */
function must(ok: boolean, what: string) {
  if (!ok) throw new Error(`set-up failed: ${what}`);
}

const DAY = 86400_000;
const at = (days: number, hour: number) => {
  const d = new Date(Date.now() + days * DAY);
  d.setUTCHours(hour, 0, 0, 0);
  return d.toISOString();
};
// March, April, June of a working group: here 30, 60 and 100 days ahead, 9:00–12:00 UTC.
const meetings = [
  { kind: 'plenary', title: 'Réunion 1', startsAt: at(30, 9), endsAt: at(30, 12) },
  { kind: 'plenary', title: 'Réunion 2', startsAt: at(60, 9), endsAt: at(60, 12) },
  { kind: 'plenary', title: 'Réunion 3', startsAt: at(100, 9), endsAt: at(100, 12) },
];
const created = await app.inject({
  method: 'POST',
  url: '/api/v1/events',
  headers: auth,
  payload: {
    title: 'Groupe de travail logement',
    slug: 'groupe-logement',
    status: 'published',
    capacity: 12,
    startsAt: meetings[0].startsAt,
    endsAt: meetings[2].endsAt,
    sessions: meetings,
  },
});
must(created.statusCode === 201, `an event spanning months with three meetings is accepted: ${created.body}`);
const event = created.json();
const [m1, m2, m3] = event.sessions as { id: number; title: string; startsAt: string }[];
must(event.registrationMode === 'open', 'open registration by default');

const people = [attendee(1), attendee(2)];
const registrations: { id: number; manageUrl: string }[] = [];
for (const person of people) {
  const res = await app.inject({
    method: 'POST',
    url: `/api/v1/events/${event.id}/registrations`,
    headers: auth,
    payload: { ...person, consent: true },
  });
  must(res.statusCode === 201, `registered once for the whole cycle: ${res.body}`);
  registrations.push(res.json());
}
const [alice, bob] = registrations;
const privatePath = (r: { manageUrl: string }) => new URL(r.manageUrl).pathname;

t.test('one registration, one invite holding the three meetings as three VEVENTs', async (t) => {
  await deliverNew();
  const mails = smtp.to(people[0].email);
  t.equal(mails.length, 1, 'one confirmation');
  const calendar = parseCalendar(calendarOf(mails[0]));
  t.equal(calendar.method, 'REQUEST');
  t.equal(calendar.events.length, 3, 'three VEVENTs');
  t.same(
    calendar.events.map((e) => e.start.toISOString()),
    meetings.map((m) => m.startsAt),
    'each at its own date',
  );
  t.equal(new Set(calendar.events.map((e) => e.uid)).size, 3, 'each with its own UID');
  const page = await app.inject(privatePath(alice));
  t.match(textOf(page.body), /Vos 3 réunions/, 'the private page lists the meetings');
  t.match(textOf(page.body), /Du .* au /, 'and the dates as a span, not one day');
});

t.test('one meeting moved: an update of that meeting only, at its new time with a higher SEQUENCE', async (t) => {
  const before = parseCalendar(calendarOf(smtp.to(people[0].email)[0]));
  const moved = { ...meetings[1], id: m2.id, startsAt: at(61, 13), endsAt: at(61, 16) };
  const res = await app.inject({
    method: 'PATCH',
    url: `/api/v1/events/${event.id}`,
    headers: auth,
    payload: { sessions: [{ ...meetings[0], id: m1.id }, moved, { ...meetings[2], id: m3.id }] },
  });
  t.equal(res.statusCode, 200, res.body);
  await deliverNew();
  const mails = smtp.to(people[0].email);
  t.equal(mails.length, 2, 'one update');
  const update = parseCalendar(calendarOf(mails[1]));
  t.equal(update.method, 'REQUEST');
  const uid = (i: number) => before.events[i].uid;
  const movedEntry = update.events.find((e) => e.uid === uid(1));
  t.ok(movedEntry, 'the moved meeting keeps its UID');
  t.equal(movedEntry?.start.toISOString(), moved.startsAt, 'at its new time');
  t.ok((movedEntry?.sequence ?? 0) > before.events[1].sequence, 'with a higher SEQUENCE');
  t.equal(update.events.length, 1, 'the update holds that meeting only: the others keep their SEQUENCE');
  const ics = await app.inject(`${privatePath(alice)}/invite.ics`);
  const whole = parseCalendar(ics.body);
  t.equal(whole.events.length, 3, 'the invite downloaded holds the three meetings');
  for (const i of [0, 2]) {
    const other = whole.events.find((e) => e.uid === uid(i));
    t.equal(other?.start.toISOString(), before.events[i].start.toISOString(), `meeting ${i + 1} did not move`);
  }
  t.equal(smtp.to(people[1].email).length, 2, 'the other member is told too');
});

t.test('a member says they will miss one meeting, without cancelling the cycle, and can undo it', async (t) => {
  const browser = new Browser(app);
  const page = await browser.get(privatePath(alice));
  t.match(page.body, `/attendance/${m3.id}`, 'a button per meeting to come');
  const csrf = csrfFrom(page.body);
  const excused = await browser.post(`${privatePath(alice)}/attendance/${m3.id}`, { _csrf: csrf, excused: '1' });
  t.equal(excused.statusCode, 303);
  const after = await browser.get(excused.headers.location as string);
  t.match(textOf(after.body), /vous êtes excusé pour cette réunion/);
  t.match(textOf(after.body), /Finalement, je viendrai/, 'with a way back');
  const reg = await orm.em.fork().findOneOrFail(Registration, { id: alice.id });
  t.equal(reg.status, 'confirmed', 'the registration to the cycle stands');

  const undo = await browser.post(`${privatePath(alice)}/attendance/${m3.id}`, { _csrf: csrf, excused: '0' });
  t.equal(undo.statusCode, 303);
  let summary = (await app.inject({ url: `/api/v1/events/${event.id}/attendance`, headers: auth })).json();
  t.match(summary.sessions[2], { sessionId: m3.id, expected: 2, excused: 0 }, 'undone: expected again');
  const again = await browser.post(`${privatePath(alice)}/attendance/${m3.id}`, { _csrf: csrf, excused: '1' });
  t.equal(again.statusCode, 303);
  summary = (await app.inject({ url: `/api/v1/events/${event.id}/attendance`, headers: auth })).json();
  t.match(summary.sessions[2], { sessionId: m3.id, expected: 1, excused: 1 });

  const unknown = await browser.post(`${privatePath(alice)}/attendance/999999`, { _csrf: csrf, excused: '1' });
  t.equal(unknown.statusCode, 404, 'a meeting of no event: not found');
});

t.test('the check-in page picks the meeting; checking in records attendance at that one only', async (t) => {
  const page = await organiser.get(`/admin/events/${event.id}/check-in?session=${m1.id}`);
  t.equal(page.statusCode, 200);
  t.match(textOf(page.body), /Réunion : Réunion 1/, 'the meeting is named');
  t.match(page.body, `check-in?session=${m2.id}`, 'and the others can be picked');
  const res = await organiser.post(`/admin/events/${event.id}/check-in/${bob.id}`, {
    _csrf: csrfFrom(page.body),
    present: '1',
    session: String(m1.id),
  });
  t.equal(res.statusCode, 303);
  t.match(res.headers.location, `session=${m1.id}`, 'back on the same meeting');
  const reg = await orm.em.fork().findOneOrFail(Registration, { id: bob.id });
  t.ok(reg.checkedInAt, 'present at a meeting counts as having come');
  const other = await organiser.get(`/admin/events/${event.id}/check-in?session=${m2.id}`);
  t.match(textOf(other.body), /0 présent sur 2 inscrits confirmés|0 présent/, 'nobody present yet at meeting 2');
});

t.test('the attendance API: set a state per meeting, counts per meeting, 4xx JSON on bad input', async (t) => {
  const put = (registrationId: number, sessionId: number, body: unknown) =>
    app.inject({
      method: 'PUT',
      url: `/api/v1/registrations/${registrationId}/attendance/${sessionId}`,
      headers: auth,
      payload: body as object,
    });
  const absent = await put(alice.id, m2.id, { state: 'absent' });
  t.equal(absent.statusCode, 200, absent.body);
  t.match(absent.json(), {
    registrationId: alice.id,
    sessionId: m2.id,
    state: 'absent',
    updatedBy: /orga@ccas-angers/,
  });
  t.equal((await put(alice.id, m1.id, { state: 'present' })).statusCode, 200);

  const bad = await put(alice.id, m2.id, { state: 'peut-être' });
  t.equal(bad.statusCode, 400, 'an unknown state is refused');
  t.match(bad.headers['content-type'], /json/);
  t.equal((await put(alice.id, m2.id, {})).statusCode, 400, 'a missing state too');
  const notMeeting = await put(alice.id, 999999, { state: 'present' });
  t.equal(notMeeting.statusCode, 404, 'a session of no meeting of this event');
  t.match(notMeeting.headers['content-type'], /json/);
  t.equal((await put(999999, m1.id, { state: 'present' })).statusCode, 404, 'an unknown registration');
  const noToken = await app.inject({
    method: 'PUT',
    url: `/api/v1/registrations/${alice.id}/attendance/${m1.id}`,
    payload: { state: 'present' },
  });
  t.equal(noToken.statusCode, 401, 'the API needs a token');

  const summary = await app.inject({ url: `/api/v1/events/${event.id}/attendance`, headers: auth });
  t.equal(summary.statusCode, 200);
  t.same(
    summary
      .json()
      .sessions.map((s: Record<string, number>) => [s.sessionId, s.expected, s.excused, s.present, s.absent]),
    [
      [m1.id, 0, 0, 2, 0],
      [m2.id, 1, 0, 0, 1],
      [m3.id, 1, 1, 0, 0],
    ],
    'each meeting counted on its own',
  );
  // Once the organisers recorded it, the member can no longer change it from their page.
  const browser = new Browser(app);
  const page = await browser.get(privatePath(alice));
  const locked = await browser.post(`${privatePath(alice)}/attendance/${m2.id}`, {
    _csrf: csrfFrom(page.body),
    excused: '1',
  });
  t.equal(locked.statusCode, 409, 'absent as recorded stays');
});

t.test("a member's personal data holds their attendance at each meeting, and who recorded it", async (t) => {
  const response = await app.inject({ url: `/api/v1/registrations/${alice.id}/personal-data`, headers: auth });
  t.equal(response.statusCode, 200, response.body);
  t.same(
    response.json().attendance.map((a: { meeting: { id: number }; state: string }) => [a.meeting.id, a.state]),
    [
      [m1.id, 'present'],
      [m2.id, 'absent'],
      [m3.id, 'excused'],
    ],
    'in the meetings order',
  );
  t.match(response.json().attendance, [
    { meeting: { title: 'Réunion 1', startsAt: m1.startsAt }, recordedBy: /orga@ccas-angers/ },
    { recordedBy: /orga@ccas-angers/ },
    { recordedBy: 'attendee', recordedAt: String },
  ]);
  const other = await app.inject({ url: `/api/v1/registrations/${bob.id}/personal-data`, headers: auth });
  t.same(
    other.json().attendance.map((a: { state: string }) => a.state),
    ['present'],
    "only their own: another member's export holds their one record",
  );
});

t.test(
  'the organiser sees per meeting who is expected, excused, present, absent; the report counts them',
  async (t) => {
    const page = await organiser.get(`/admin/events/${event.id}/attendance`);
    t.equal(page.statusCode, 200);
    const text = textOf(page.body);
    t.match(text, /Réunion 3 .* 1 personne excusée Nom1 Prénom1/, 'the excused member listed under meeting 3');
    t.match(text, /2 personnes présentes/, 'two present at meeting 1');
    const report = await organiser.get(`/admin/events/${event.id}/report`);
    t.equal(report.statusCode, 200);
    t.match(textOf(report.body), /Présences par réunion/, 'the report has the per-meeting table');
    t.match(report.body, /id="meetings-table"/);
  },
);

t.test('a one-day workshop keeps the single check-in, without a meeting picker', async (t) => {
  const day = at(20, 8).slice(0, 10);
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/events',
    headers: auth,
    payload: {
      title: 'Atelier d’une journée',
      slug: 'atelier-journee',
      status: 'published',
      startsAt: `${day}T08:00:00Z`,
      endsAt: `${day}T16:00:00Z`,
      sessions: [
        { kind: 'plenary', title: 'Matin', startsAt: `${day}T08:00:00Z`, endsAt: `${day}T10:00:00Z` },
        { kind: 'plenary', title: 'Après-midi', startsAt: `${day}T14:00:00Z`, endsAt: `${day}T16:00:00Z` },
      ],
    },
  });
  t.equal(res.statusCode, 201);
  const page = await organiser.get(`/admin/events/${res.json().id}/check-in`);
  t.equal(page.statusCode, 200);
  t.notMatch(page.body, 'meeting-picker', 'no meeting to pick');
});
