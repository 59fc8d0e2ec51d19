import t from 'tap';
import { grantRole } from '../../src/access/access.service.js';
import { EventMember } from '../../src/access/event-member.entity.js';
import { openDatabase } from '../../src/db/orm.js';
import { Event, EventSession } from '../../src/events/event.entity.js';
import { eventFormValues } from '../../src/events/event.form.js';
import { scheduledJobs } from '../../src/jobs/jobs.js';
import { JobScheduler, runDueJobs } from '../../src/jobs/scheduler.js';
import { type MailKind, OutboxMessage } from '../../src/mail/outbox.entity.js';
import { createMailTransport, drainOutbox } from '../../src/mail/outbox.worker.js';
import { createApiToken, createOrganiser } from '../../src/organisers/organiser.service.js';
import { Organiser } from '../../src/organisers/organiser.entity.js';
import { Registration } from '../../src/registrations/registration.entity.js';
import { cancel, register } from '../../src/registrations/registration.service.js';
import { ORGANISER, PUBLIC_URL, buildTestApp, csrfFrom, signedInOrganiser, textOf } from '../support/app.js';
import { attendee, openEvent } from '../support/events.js';
import { parseCalendar } from '../support/ical.js';
import { TestSmtpServer, calendarOf } from '../support/smtp.js';

// The reminder, the thank-you and the organisers' digest go out through the scheduled jobs: run here
// by the real scheduler (runDueJobs, and JobScheduler on the real clock) on two instances of one
// database, their emails sent by the outbox worker to a real SMTP server.
const smtp = await TestSmtpServer.start();
t.teardown(() => smtp.stop());
const { app, orm, config } = await buildTestApp(t, {
  SMTP_URL: smtp.url,
  MAIL_FROM: 'Inscriptions <inscriptions@atelier.test>',
  MAIL_WORKER: 'false',
  SCHEDULED_JOBS: 'false',
});
const second = await openDatabase(config.database);
t.teardown(() => second.close(true));
const transport = createMailTransport(config.mail);
t.teardown(() => transport.close?.());
const organiser = await signedInOrganiser(app);
await createOrganiser(orm.em.fork(), { email: 'api@alisee.fr', password: 'mot-de-passe-api' });
const auth = { authorization: `Bearer ${await createApiToken(orm.em.fork(), 'api@alisee.fr')}` };
const settings = app.mail.settings;
const jobs = scheduledJobs({ outboxDir: config.mail.outboxDir, settings });
const em = () => orm.em.fork();
const HOUR = 3600_000;

/** Two instances run the due jobs at the same moment; then the worker sends what they queued. */
async function tick(now: Date) {
  const outcomes = await Promise.all([
    runDueJobs(orm, jobs, now, { instance: 'a' }),
    runDueJobs(second, jobs, now, { instance: 'b' }),
  ]);
  await drainOutbox(orm, transport);
  return outcomes;
}

const mailsOf = (kind: MailKind) => em().find(OutboxMessage, { kind }, { orderBy: { id: 'asc' } });

// Capacity 2: two confirmed, one waiting, one cancelled; the event starts in 30 days.
const event = await openEvent(em(), { capacity: 2 });
const mail = { mail: settings };
const [ana, bruno] = [await register(em(), event, attendee(1), mail), await register(em(), event, attendee(2), mail)];
const waiting = await register(em(), event, attendee(3), mail);
const gone = await register(em(), event, attendee(4), mail);
await cancel(em(), gone, mail);
// Ana's group is published: her reminder names it.
{
  const e = em();
  const group = await e.findOneOrFail(EventSession, { event: event.id, title: 'Groupe 1' });
  await e.nativeUpdate(Registration, { id: ana.id }, { group: group.id });
  await e.nativeUpdate(Event, { id: event.id }, { assignmentsPublishedAt: new Date() });
}
await drainOutbox(orm, transport);
const start = event.startsAt.getTime();

t.test('the reminder goes once, two days before, to confirmed people only', async (t) => {
  smtp.received.length = 0;
  await tick(new Date(start - 3 * 24 * HOUR));
  t.equal((await mailsOf('reminder')).length, 0, 'not yet three days before');

  const outcomes = await tick(new Date(start - 47 * HOUR));
  t.same(outcomes.map((o) => o.reminders).sort(), ['ran', 'skipped'], 'one instance ran it');
  const reminders = smtp.received.filter((m) => m.parsed.subject?.startsWith('Rappel'));
  t.same(reminders.map((m) => m.to[0]).sort(), [ana.email, bruno.email], 'confirmed only: not waiting, not cancelled');
  t.notOk(
    smtp.received.some((m) => [waiting.email, gone.email].includes(m.to[0])),
    'nothing to the waiting or cancelled',
  );

  const toAna = reminders.find((m) => m.to[0] === ana.email)!;
  const text = toAna.parsed.text ?? '';
  t.match(text, 'Atelier test');
  t.match(text, '1 rue Exemple, Angers', 'the address');
  t.match(text, 'https://www.openstreetmap.org/search?query=Maison%20Pour%20Tous%2C%201%20rue%20Exemple%2C%20Angers');
  t.match(text, 'Groupe 1', 'her group, published');
  t.match(text, `${PUBLIC_URL}/r/${ana.token}`, 'her private link');
  const calendar = parseCalendar(calendarOf(toAna));
  t.equal(calendar.method, 'REQUEST', 'the invite');
  t.equal(calendar.events.length, 2, 'the plenary and her group');
  t.ok(calendar.events.some((e) => e.summary.includes('Groupe 1')));
  t.match(String(toAna.parsed.html), /<a href="https:\/\/www\.openstreetmap\.org\/search\?query=/);

  await tick(new Date(start - 46 * HOUR));
  await tick(new Date(start - 2 * HOUR));
  t.equal((await mailsOf('reminder')).length, 2, 'never twice, whatever the runs after');
});

t.test('an event set to no reminder sends none; the setting is in the API and on the page', async (t) => {
  const quiet = await openEvent(em());
  await register(em(), quiet, attendee(5), mail);
  const patched = await app.inject({
    method: 'PATCH',
    url: `/api/v1/events/${quiet.id}`,
    headers: auth,
    payload: { reminderDaysBefore: null, thankYouText: 'Merci à vous !' },
  });
  t.equal(patched.statusCode, 200);
  t.equal(patched.json().reminderDaysBefore, null);
  t.equal(patched.json().thankYouText, 'Merci à vous !');
  const bad = await app.inject({
    method: 'PATCH',
    url: `/api/v1/events/${quiet.id}`,
    headers: auth,
    payload: { reminderDaysBefore: 0 },
  });
  t.equal(bad.statusCode, 400, 'out of bounds');
  t.equal((await app.inject({ url: `/api/v1/events/${event.id}`, headers: auth })).json().reminderDaysBefore, 2);

  await tick(new Date(quiet.startsAt.getTime() - 24 * HOUR));
  t.equal(await em().count(OutboxMessage, { event: quiet.id, kind: 'reminder' }), 0);

  const edit = await organiser.get(`/admin/events/${quiet.id}/edit`);
  t.match(edit.body, 'name="reminderDaysBefore"');
  t.match(edit.body, 'Merci à vous !');
  const saved = await organiser.submit(`/admin/events/${quiet.id}/edit`, `/admin/events/${quiet.id}/edit`, {
    ...eventFormValues(await em().findOneOrFail(Event, { id: quiet.id })),
    reminderDaysBefore: '5',
    thankYouText: 'Merci, et à l’an prochain.',
  });
  t.equal(saved.statusCode, 303);
  const after = await em().findOneOrFail(Event, { id: quiet.id });
  t.equal(after.reminderDaysBefore, 5);
  t.equal(after.thankYouText, 'Merci, et à l’an prochain.');
});

t.test('after the event, the thank-you goes once to the people marked present', async (t) => {
  await app.inject({
    method: 'PATCH',
    url: `/api/v1/events/${event.id}`,
    headers: auth,
    payload: { thankYouText: 'Merci pour votre venue.\n\nLes supports suivront.' },
  });
  await em().nativeUpdate(Registration, { id: ana.id }, { checkedInAt: new Date(start) });
  smtp.received.length = 0;
  await tick(new Date(start + 2 * HOUR));
  t.equal((await mailsOf('thank_you')).length, 0, 'not before the end');
  await tick(new Date(event.endsAt.getTime() + HOUR));
  await tick(new Date(event.endsAt.getTime() + 2 * HOUR));
  const thanks = smtp.received.filter((m) => m.parsed.subject?.startsWith('Merci'));
  t.same(
    thanks.map((m) => m.to[0]),
    [ana.email],
    'present people only, once',
  );
  t.match(thanks[0].parsed.text, /Merci pour votre venue\.\s+Les supports suivront\./);
});

t.test('organisers: a daily digest to owners by default, or an email at each registration', async (t) => {
  const fresh = await openEvent(em(), { title: 'Atelier du résumé' });
  const owner = await em().findOneOrFail(Organiser, { email: ORGANISER.email });
  const colleague = await createOrganiser(em(), {
    email: 'collegue@ccas-angers.fr',
    password: 'mot-de-passe-collegue',
  });
  const e = em();
  await grantRole(e, await e.findOneOrFail(Event, { id: fresh.id }), colleague, 'organiser');
  // The colleague wants each registration; the API organiser, also an owner, wants nothing.
  await e.nativeUpdate(EventMember, { event: fresh.id, organiser: colleague.id }, { notify: 'each' });
  const api = await e.findOneOrFail(Organiser, { email: 'api@alisee.fr' });
  await e.nativeUpdate(EventMember, { event: fresh.id, organiser: api.id }, { notify: 'none' });

  smtp.received.length = 0;
  const zoe = await register(em(), fresh, { ...attendee(6), firstName: 'Zoé', lastName: 'Martin' }, mail);
  await cancel(em(), zoe, mail);
  await register(em(), fresh, { ...attendee(7), firstName: 'Yves', lastName: 'Durand' }, mail);
  await drainOutbox(orm, transport);
  const toColleague = smtp.to('collegue@ccas-angers.fr').map((m) => m.parsed.subject);
  t.same(
    toColleague,
    [
      `Nouvelle inscription : Zoé Martin — ${fresh.title}`,
      `Annulation : Zoé Martin — ${fresh.title}`,
      `Nouvelle inscription : Yves Durand — ${fresh.title}`,
    ],
    'each registration and cancellation',
  );
  t.equal(smtp.to(ORGANISER.email).length, 0, 'the owner waits for the digest');
  t.equal(
    await em().count(OutboxMessage, { kind: 'organiser_notice', registration: zoe.id }),
    2,
    'a notice about someone is theirs (their access request and erasure include it)',
  );

  // The digest job (once a day across instances); the real scheduler on the real clock runs it now.
  const scheduler = new JobScheduler(orm, jobs, { intervalMs: 3_600_000 });
  scheduler.start();
  await scheduler.idle();
  await scheduler.stop();
  await tick(new Date());
  const digests = smtp.to(ORGANISER.email).filter((m) => m.parsed.subject?.includes(fresh.title));
  t.equal(digests.length, 1, 'one digest to the owner, whatever the runs');
  const text = digests[0].parsed.text ?? '';
  t.match(text, 'Depuis hier : 2 inscriptions, 1 annulation. En tout : 1 personne confirmée.');
  t.match(text, 'Yves Durand');
  t.match(text, 'Zoé Martin');
  t.notOk(
    smtp.to('api@alisee.fr').some((m) => m.parsed.subject?.includes(fresh.title)),
    'nothing to whoever chose nothing',
  );
  t.notOk(
    smtp.to('collegue@ccas-angers.fr').some((m) => m.parsed.subject?.startsWith('Inscriptions du jour')),
    'no digest to whoever chose each registration',
  );

  // A member changes their choice on the event's email page.
  const page = await organiser.get(`/admin/events/${fresh.id}/emails`);
  t.match(page.body, /id="notify-digest" name="notify" value="digest" checked/, 'the default, shown');
  const chosen = await organiser.post(`/admin/events/${fresh.id}/emails/notify`, {
    _csrf: csrfFrom(page.body),
    notify: 'each',
  });
  t.equal(chosen.statusCode, 303);
  const member = await em().findOneOrFail(EventMember, { event: fresh.id, organiser: owner.id });
  t.equal(member.notify, 'each');
});

t.test('the email page lists every attendee email with its status, and previews those not sent yet', async (t) => {
  const page = await organiser.get(`/admin/events/${event.id}/emails`);
  t.equal(page.statusCode, 200);
  const text = textOf(page.body);
  for (const kind of ['Confirmation', "Liste d'attente", 'Place libérée', 'Rappel', 'Remerciement', 'Annulation'])
    t.match(text, kind);
  t.match(text, "Envoyés : 2 · en attente d'envoi : 0 · en échec : 0", 'the reminders sent');
  for (const kind of ['reminder', 'group', 'thank_you'])
    t.match(page.body, `href="/admin/events/${event.id}/emails/preview/${kind}"`);

  const quiet = await openEvent(em(), { thankYouText: 'Un grand merci.' });
  const before = await em().count(OutboxMessage, {});
  const reminder = await organiser.get(`/admin/events/${quiet.id}/emails/preview/reminder`);
  t.equal(reminder.statusCode, 200);
  t.match(textOf(reminder.body), 'Rappel : Atelier test');
  t.match(textOf(reminder.body), 'Camille Exemple', 'an example person while nobody is registered');
  t.match(textOf(reminder.body), 'openstreetmap.org');
  const thanks = await organiser.get(`/admin/events/${quiet.id}/emails/preview/thank_you`);
  t.match(textOf(thanks.body), 'Un grand merci.');
  const group = await organiser.get(`/admin/events/${event.id}/emails/preview/group`);
  t.equal(group.statusCode, 200);
  t.match(textOf(group.body), 'Groupe 1', 'the group of the first person who has one');
  t.equal(await em().count(OutboxMessage, {}), before, 'previews store nothing');
  t.equal((await organiser.get(`/admin/events/${event.id}/emails/preview/other`)).statusCode, 404);
});
