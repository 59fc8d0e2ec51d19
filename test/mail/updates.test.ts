import t from 'tap';
import { findEvent, updateEvent } from '../../src/events/event.service.js';
import { announceByMail } from '../../src/mail/notifications.js';
import { OutboxMessage } from '../../src/mail/outbox.entity.js';
import { drainOutbox } from '../../src/mail/outbox.worker.js';
import { createApiToken, createOrganiser } from '../../src/organisers/organiser.service.js';
import { Registration } from '../../src/registrations/registration.entity.js';
import { zonedLocalToUtc } from '../../src/shared/time.js';
import { Browser, signedInOrganiser, textOf } from '../support/app.js';
import { attendee, openEvent } from '../support/events.js';
import { parseCalendar } from '../support/ical.js';
import { calendarContentTypes, calendarOf } from '../support/smtp.js';
import { buildMailTestApp } from '../support/mail-app.js';

const { smtp, app, orm, transport, deliverNew } = await buildMailTestApp(t);
const organiser = await signedInOrganiser(app);
await createOrganiser(orm.em.fork(), { email: 'api@ccas-angers.fr', password: 'mot-de-passe-api' });
const token = await createApiToken(orm.em.fork(), 'api@ccas-angers.fr');
const em = () => orm.em.fork();

const year = new Date().getUTCFullYear() + 1;
const paris = (local: string) => zonedLocalToUtc(local, 'Europe/Paris') as Date;
const day = `${year}-11-15`;

/** Three confirmed attendees (1 and 2 in group 1, 3 in group 2) and one on the waiting list; their first emails already sent. */
async function workshopWithAttendees(base: number) {
  const event = await openEvent(em(), {
    capacity: 3,
    startsAt: paris(`${day}T09:00`),
    endsAt: paris(`${day}T12:30`),
    sessions: [
      {
        kind: 'plenary',
        title: 'Plénière',
        room: 'Grande salle',
        startsAt: paris(`${day}T09:00`),
        endsAt: paris(`${day}T10:30`),
      },
      {
        kind: 'breakout',
        title: 'Groupe 1',
        room: 'Salle 1',
        startsAt: paris(`${day}T10:45`),
        endsAt: paris(`${day}T12:30`),
        capacity: 10,
      },
      {
        kind: 'breakout',
        title: 'Groupe 2',
        room: 'Salle 2',
        startsAt: paris(`${day}T10:45`),
        endsAt: paris(`${day}T12:30`),
        capacity: 10,
      },
    ],
  });
  const people = [base + 1, base + 2, base + 3, base + 4];
  for (const n of people) {
    const res = await new Browser(app).submit(`/e/${event.slug}/register`, `/e/${event.slug}/register`, attendee(n));
    if (res.statusCode !== 303) throw new Error(`registration ${n}: ${res.statusCode}`);
  }
  const fork = em();
  const loaded = await findEvent(fork, event.id);
  const [, group1, group2] = loaded.sessions.getItems();
  const registrations = await fork.find(Registration, { event: event.id }, { orderBy: { id: 'asc' } });
  registrations[0].group = group1;
  registrations[1].group = group1;
  registrations[2].group = group2;
  loaded.assignmentsPublishedAt = new Date();
  await fork.flush();
  await drainOutbox(orm, transport);
  const emails = (n: number) => smtp.to(attendee(n).email);
  return { event: loaded, group1, group2, people, emails };
}

t.test(
  'moving the event: every confirmed attendee gets an update with the same UIDs and a higher SEQUENCE',
  async (t) => {
    const { event, people, emails } = await workshopWithAttendees(100);
    const editPage = await organiser.get(`/admin/events/${event.id}/edit`);
    t.match(
      textOf(editPage.body),
      '3 participants confirmés recevront une mise à jour',
      'the organiser sees how many will be notified',
    );
    t.match(editPage.body, /<input type="checkbox" id="field-silent" name="silent"/, 'and can choose not to notify');
    const firstInvite = parseCalendar(calendarOf(emails(people[0])[0]));

    const res = await organiser.submit(`/admin/events/${event.id}/edit`, `/admin/events/${event.id}/edit`, {
      title: event.title,
      slug: event.slug,
      timezone: 'Europe/Paris',
      status: 'published',
      capacity: '3',
      venue: 'Centre Jean Vilar',
      address: '1 place Jean Vilar, Angers',
      startsAt: `${day}T09:00`,
      endsAt: `${day}T12:30`,
      organiserName: "CCAS d'Angers",
      replyTo: 'ccas@angers.fr',
    });
    t.equal(res.statusCode, 303);
    t.same(await deliverNew(), { sent: 3, retried: 0, failed: 0 }, 'three updates');
    for (const n of people.slice(0, 3)) {
      const update = emails(n).at(-1)!;
      t.equal(update.parsed.subject, `Changement d'horaire ou de lieu : ${event.title}`);
      t.match(update.parsed.text, 'Centre Jean Vilar, 1 place Jean Vilar, Angers');
      t.same(calendarContentTypes(update.raw), ['text/calendar; charset=utf-8; method=REQUEST']);
      const calendar = parseCalendar(calendarOf(update));
      t.equal(calendar.method, 'REQUEST');
      t.equal(calendar.events.length, 2, 'plenary and their group');
      t.equal(calendar.events[0].uid, firstInvite.events[0].uid, 'same UID');
      t.ok(calendar.events[0].sequence > firstInvite.events[0].sequence, 'SEQUENCE raised');
      t.match(calendar.events[0].location, 'Centre Jean Vilar');
      t.equal(
        String(calendar.events[0].organizer).toLowerCase(),
        'mailto:ccas@angers.fr',
        'ORGANIZER follows the new reply-to',
      );
      t.equal(update.parsed.from?.value[0].name, "CCAS d'Angers");
    }
    t.equal(emails(people[3]).length, 1, 'the waiting list gets nothing');

    const again = await organiser.submit(`/admin/events/${event.id}/edit`, `/admin/events/${event.id}/edit`, {
      title: 'Nouveau titre',
      slug: event.slug,
      timezone: 'Europe/Paris',
      status: 'published',
      capacity: '3',
      venue: 'Centre Jean Vilar',
      address: '1 place Jean Vilar, Angers',
      startsAt: `${day}T09:00`,
      endsAt: `${day}T12:30`,
    });
    t.equal(again.statusCode, 303);
    t.same(
      await deliverNew(),
      { sent: 0, retried: 0, failed: 0 },
      'a change of title alone is not a change of time or place',
    );
  },
);

t.test("changing a group's room notifies only its members; the checkbox keeps a change silent", async (t) => {
  const { event, group1, people, emails } = await workshopWithAttendees(200);
  const editPage = await organiser.get(`/admin/events/${event.id}/sessions/${group1.id}/edit`);
  t.match(textOf(editPage.body), '2 participants confirmés recevront une mise à jour', 'the two members of the group');
  const fields = (room: string) => ({
    kind: 'breakout',
    title: 'Groupe 1',
    room,
    startsAt: `${day}T10:45`,
    endsAt: `${day}T12:30`,
    capacity: '10',
  });

  const res = await organiser.submit(
    `/admin/events/${event.id}/sessions/${group1.id}/edit`,
    `/admin/events/${event.id}/sessions/${group1.id}/edit`,
    fields('Salle 7'),
  );
  t.equal(res.statusCode, 303);
  t.same(await deliverNew(), { sent: 2, retried: 0, failed: 0 });
  for (const n of people.slice(0, 2)) {
    const calendar = parseCalendar(calendarOf(emails(n).at(-1)!));
    const group = calendar.events.find((e) => e.summary.includes('Groupe 1'))!;
    t.match(group.location, 'Salle 7');
    t.ok(group.sequence > parseCalendar(calendarOf(emails(n)[0])).events[0].sequence, 'above their first invite');
  }
  t.equal(emails(people[2]).length, 1, 'the member of another group gets nothing');

  const silent = await organiser.submit(
    `/admin/events/${event.id}/sessions/${group1.id}/edit`,
    `/admin/events/${event.id}/sessions/${group1.id}/edit`,
    { ...fields('Salle 8'), silent: '1' },
  );
  t.equal(silent.statusCode, 303);
  t.same(await deliverNew(), { sent: 0, retried: 0, failed: 0 }, 'not notified when asked');
  t.equal((await findEvent(em(), event.id)).sequence, 2, 'the SEQUENCE still moves, for later invites');
});

t.test(
  'removing a session sends its cancellation to those concerned; adding a plenary sends everyone an update',
  async (t) => {
    const { event, group2, people, emails } = await workshopWithAttendees(300);
    const removed = await organiser.submit(
      `/admin/events/${event.id}/sessions/${group2.id}/edit`,
      `/admin/events/${event.id}/sessions/${group2.id}/delete`,
      {},
    );
    t.equal(removed.statusCode, 303);
    t.same(await deliverNew(), { sent: 1, retried: 0, failed: 0 }, 'the one member of group 2');
    const cancellation = emails(people[2]).at(-1)!;
    t.equal(cancellation.parsed.subject, `Séance annulée : ${event.title}`);
    const cancel = parseCalendar(calendarOf(cancellation));
    t.equal(cancel.method, 'CANCEL');
    t.equal(cancel.events.length, 1);
    t.match(cancel.events[0].uid, `-session-${group2.id}@`, 'the removed session only');
    t.equal(cancel.events[0].status, 'CANCELLED');

    const added = await organiser.submit(
      `/admin/events/${event.id}/sessions/new`,
      `/admin/events/${event.id}/sessions`,
      {
        kind: 'plenary',
        title: 'Clôture',
        room: 'Grande salle',
        startsAt: `${day}T12:30`,
        endsAt: `${day}T13:00`,
      },
    );
    t.equal(added.statusCode, 303);
    t.same(await deliverNew(), { sent: 3, retried: 0, failed: 0 }, 'every confirmed attendee');
    const update = parseCalendar(calendarOf(emails(people[0]).at(-1)!));
    t.ok(
      update.events.some((e) => e.summary.includes('Clôture')),
      'the new plenary is in the invite',
    );
    t.equal(emails(people[3]).length, 1, 'not the waiting list');
  },
);

t.test('the API PATCH notifies unless ?notify=false', async (t) => {
  const { event, people, emails } = await workshopWithAttendees(400);
  const auth = { authorization: `Bearer ${token}` };
  const silent = await app.inject({
    method: 'PATCH',
    url: `/api/v1/events/${event.id}?notify=false`,
    headers: auth,
    payload: { venue: 'Salle des fêtes' },
  });
  t.equal(silent.statusCode, 200);
  t.equal(silent.json().venue, 'Salle des fêtes');
  t.equal(await em().count(OutboxMessage, { event: event.id, kind: 'update' }), 0, 'nothing queued');

  const told = await app.inject({
    method: 'PATCH',
    url: `/api/v1/events/${event.id}`,
    headers: auth,
    payload: { address: '12 rue des Lices, Angers', organiserName: 'Réseau précarité', replyTo: 'reseau@exemple.fr' },
  });
  t.equal(told.statusCode, 200);
  t.equal(told.json().organiserName, 'Réseau précarité');
  t.equal(await em().count(OutboxMessage, { event: event.id, kind: 'update' }), 3, 'queued in the same request');
  t.same(await deliverNew(), { sent: 3, retried: 0, failed: 0 });
  const update = emails(people[0]).at(-1)!;
  t.match(
    update.parsed.text,
    'Salle des fêtes, 12 rue des Lices, Angers',
    'the silent change shows in the next update',
  );
  t.match(parseCalendar(calendarOf(update)).events[0].location, '12 rue des Lices');
  t.equal(update.parsed.replyTo?.value[0].address, 'reseau@exemple.fr');

  const bad = await app.inject({
    method: 'PATCH',
    url: `/api/v1/events/${event.id}?notify=peut-etre`,
    headers: auth,
    payload: { venue: 'X' },
  });
  t.equal(bad.statusCode, 400, 'notify must be a boolean');
  const badReply = await app.inject({
    method: 'PATCH',
    url: `/api/v1/events/${event.id}`,
    headers: auth,
    payload: { replyTo: 'pas une adresse' },
  });
  t.equal(badReply.statusCode, 400);
  t.equal(badReply.json().details[0].field, 'replyTo');
});

t.test('the event form checks the reply-to address and keeps the values', async (t) => {
  const { event } = await workshopWithAttendees(500);
  const res = await organiser.submit(`/admin/events/${event.id}/edit`, `/admin/events/${event.id}/edit`, {
    title: event.title,
    slug: event.slug,
    timezone: 'Europe/Paris',
    status: 'published',
    capacity: '3',
    startsAt: `${day}T09:00`,
    endsAt: `${day}T12:30`,
    organiserName: 'CCAS',
    replyTo: 'ccas-at-angers',
  });
  t.equal(res.statusCode, 400);
  t.match(res.body, /id="field-replyTo-error"/);
  t.match(res.body, 'value="ccas-at-angers"');
  t.match(textOf(res.body), 'Adresse de réponse');
  t.equal(await em().count(OutboxMessage, { event: event.id, kind: 'update' }), 0);
});

t.test('the change and its emails commit together: a failure while queueing leaves the event unchanged', async (t) => {
  const { event } = await workshopWithAttendees(600);
  const fork = em();
  const loaded = await findEvent(fork, event.id);
  // Settings that make writing the invites throw (no valid URL for the UIDs), after the change was flushed.
  const broken = { ...app.mail.settings, publicUrl: 'not a url' };
  await t.rejects(updateEvent(fork, loaded, { venue: 'Ailleurs' }, { announce: announceByMail(broken) }));
  const reloaded = await findEvent(em(), event.id);
  t.equal(reloaded.venue, 'Maison Pour Tous', 'the change was rolled back with the emails');
  t.equal(reloaded.sequence, 0);
  t.equal(await em().count(OutboxMessage, { event: event.id, kind: 'update' }), 0);
  await updateEvent(
    em(),
    await findEvent(em(), event.id),
    { venue: 'Ailleurs' },
    { announce: announceByMail(app.mail.settings) },
  );
  t.equal(
    await em().count(OutboxMessage, { event: event.id, kind: 'update' }),
    3,
    'with working settings: the change and its 3 updates',
  );
});
