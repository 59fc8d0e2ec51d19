import t from 'tap';
import { findEvent } from '../../src/events/event.service.js';
import { queueInviteUpdates, queueRegistrationMail } from '../../src/mail/notifications.js';
import { OutboxMessage } from '../../src/mail/outbox.entity.js';
import { createMailTransport, drainOutbox } from '../../src/mail/outbox.worker.js';
import { createApiToken, createOrganiser } from '../../src/organisers/organiser.service.js';
import { Registration } from '../../src/registrations/registration.entity.js';
import { zonedLocalToUtc } from '../../src/shared/time.js';
import { Browser, PUBLIC_URL, buildTestApp, signedInOrganiser, textOf } from '../support/app.js';
import { attendee, openEvent } from '../support/events.js';
import { parseCalendar } from '../support/ical.js';
import { TestSmtpServer, calendarContentTypes, calendarOf } from '../support/smtp.js';

// A real SMTP server receives what the service sends; the worker is driven by hand (drainOutbox).
const smtp = await TestSmtpServer.start();
t.teardown(() => smtp.stop());
const { app, orm, config } = await buildTestApp(t, {
  SMTP_URL: smtp.url,
  MAIL_FROM: 'Inscriptions <inscriptions@atelier.test>',
  MAIL_WORKER: 'false',
});
const transport = createMailTransport(config.mail);
t.teardown(() => transport.close?.());
const organiser = await signedInOrganiser(app);
const em = () => orm.em.fork();
const drain = () => drainOutbox(orm, transport);

const year = new Date().getUTCFullYear() + 1;
const paris = (local: string) => zonedLocalToUtc(local, 'Europe/Paris') as Date;

/** The 2013 workshop in Angers, in November (winter time): 09:00 Paris is 08:00 UTC. */
async function workshop(overrides: Record<string, unknown> = {}) {
  return openEvent(em(), {
    title: 'Atelier de la solidarité',
    startsAt: paris(`${year}-11-15T09:00`),
    endsAt: paris(`${year}-11-15T12:30`),
    organiserName: "CCAS d'Angers",
    replyTo: 'precarite@ccas-angers.fr',
    sessions: [
      {
        kind: 'plenary',
        title: 'Comment identifier les ménages ?',
        room: 'Grande salle',
        startsAt: paris(`${year}-11-15T09:00`),
        endsAt: paris(`${year}-11-15T10:30`),
      },
      {
        kind: 'breakout',
        title: 'Groupe 1',
        room: 'Salle 1',
        facilitator: 'Alisée',
        startsAt: paris(`${year}-11-15T10:45`),
        endsAt: paris(`${year}-11-15T12:30`),
        capacity: 20,
      },
    ],
    ...overrides,
  });
}

async function registerThroughForm(slug: string, n: number, lang?: string) {
  const browser = new Browser(app);
  const page = `/e/${slug}/register${lang ? `?lang=${lang}` : ''}`;
  const res = await browser.submit(page, `/e/${slug}/register`, attendee(n));
  if (res.statusCode !== 303) throw new Error(`registration ${n} refused: ${res.statusCode}`);
  return em().findOneOrFail(Registration, { email: attendee(n).email, event: { slug } });
}

t.test(
  'a confirmation in French arrives with the event, the private link, and a real meeting invitation',
  async (t) => {
    const event = await workshop();
    const registration = await registerThroughForm(event.slug, 1);
    t.same(await drain(), { sent: 1, retried: 0, failed: 0 });
    await smtp.waitFor(1);
    const [mail] = smtp.to('personne1@exemple.fr');
    t.ok(mail, 'delivered to the attendee');
    t.same(mail.to, ['personne1@exemple.fr'], 'to the attendee only');
    t.equal(mail.from, 'inscriptions@atelier.test', 'envelope sender is MAIL_FROM');
    const parsed = mail.parsed;
    t.equal(parsed.subject, 'Inscription confirmée : Atelier de la solidarité');
    t.same(
      parsed.from?.value,
      [{ address: 'inscriptions@atelier.test', name: "CCAS d'Angers" }],
      "organiser's name as sender name",
    );
    t.same(
      parsed.replyTo?.value.map((a) => a.address),
      ['precarite@ccas-angers.fr'],
      "the event's reply-to",
    );
    t.match(String(parsed.messageId), /^<atelier-outbox-\d+@atelier\.test>$/, 'a stable Message-ID');

    t.match(parsed.text, 'Bonjour Prénom1,');
    t.match(parsed.text, 'Votre inscription à « Atelier de la solidarité » est confirmée');
    t.match(parsed.text, `${PUBLIC_URL}/r/${registration.token}`, 'the private link');
    t.match(parsed.text, 'Maison Pour Tous, 1 rue Exemple, Angers');
    t.match(parsed.text, /09:00 – 12:30/, 'times in the event zone');
    t.match(String(parsed.html), '<html lang="fr">');
    t.match(String(parsed.html), `href="${PUBLIC_URL}/r/${registration.token}"`);
    t.match(String(parsed.html), 'Comment identifier les ménages ?');

    t.same(
      calendarContentTypes(mail.raw),
      ['text/calendar; charset=utf-8; method=REQUEST'],
      'a text/calendar; method=REQUEST alternative',
    );
    t.ok(
      parsed.attachments.some((a) => a.filename === 'invitation.ics'),
      'and an .ics attachment',
    );
    const calendar = parseCalendar(calendarOf(mail));
    t.equal(calendar.method, 'REQUEST');
    t.same(calendar.timezones, ['Europe/Paris'], 'a VTIMEZONE for the event zone');
    t.equal(calendar.events.length, 1, 'the plenary (no group yet)');
    const [plenary] = calendar.events;
    const loaded = await findEvent(em(), event.id);
    t.equal(plenary.uid, `atelier-event-${event.id}-session-${loaded.sessions[0].id}@atelier.test`, 'stable UID');
    t.equal(plenary.sequence, 1, "the event's SEQUENCE (0) plus the registration's first invite");
    t.equal(plenary.tzid, 'Europe/Paris');
    t.equal(plenary.start.toISOString(), `${year}-11-15T08:00:00.000Z`, '09:00 in Paris');
    t.same(plenary.attendees, ['mailto:personne1@exemple.fr'], 'the attendee as ATTENDEE');
    t.equal(String(plenary.organizer).toLowerCase(), 'mailto:precarite@ccas-angers.fr', 'ORGANIZER is the reply-to');
    t.equal(plenary.status, 'CONFIRMED');
  },
);

t.test('an English registration gets its emails in English', async (t) => {
  const event = await workshop({ title: 'Solidarity workshop' });
  await registerThroughForm(event.slug, 2, 'en');
  const before = smtp.received.length;
  await drain();
  await smtp.waitFor(before + 1);
  const [mail] = smtp.to('personne2@exemple.fr');
  t.equal(mail.parsed.subject, 'Registration confirmed: Solidarity workshop');
  t.match(mail.parsed.text, 'Hello Prénom2,');
  t.match(mail.parsed.text, 'Your registration for “Solidarity workshop” is confirmed');
  t.match(mail.parsed.text, 'Date: ', 'English punctuation');
  t.match(String(mail.parsed.html), '<html lang="en">');
  t.equal(parseCalendar(calendarOf(mail)).method, 'REQUEST');
});

t.test('through the API, the locale given picks the language, French by default', async (t) => {
  await createOrganiser(em(), { email: 'api@ccas-angers.fr', password: 'mot-de-passe-api' });
  const token = await createApiToken(em(), 'api@ccas-angers.fr');
  const event = await workshop();
  for (const [n, locale] of [
    [3, 'en'],
    [4, undefined],
  ] as const) {
    const res = await app.inject({
      method: 'POST',
      url: `/api/v1/events/${event.id}/registrations`,
      headers: { authorization: `Bearer ${token}` },
      payload: { ...attendee(n), consent: true, ...(locale ? { locale } : {}) },
    });
    t.equal(res.statusCode, 201);
  }
  const before = smtp.received.length;
  await drain();
  await smtp.waitFor(before + 2);
  t.equal(smtp.to('personne3@exemple.fr')[0].parsed.subject, 'Registration confirmed: Atelier de la solidarité');
  t.equal(smtp.to('personne4@exemple.fr')[0].parsed.subject, 'Inscription confirmée : Atelier de la solidarité');
});

t.test(
  'waiting list: a message without invite; a cancellation sends METHOD:CANCEL and promotes the next person with their invite',
  async (t) => {
    const event = await workshop({ capacity: 1 });
    const first = await registerThroughForm(event.slug, 10);
    await registerThroughForm(event.slug, 11);
    let before = smtp.received.length;
    await drain();
    await smtp.waitFor(before + 2);
    const waiting = smtp.to('personne11@exemple.fr');
    t.equal(waiting.length, 1);
    t.equal(waiting[0].parsed.subject, "Liste d'attente : Atelier de la solidarité");
    t.match(waiting[0].parsed.text, "liste d'attente");
    t.same(calendarContentTypes(waiting[0].raw), [], 'no invite while waiting');
    t.equal(waiting[0].parsed.attachments.length, 0);
    const invite = parseCalendar(calendarOf(smtp.to('personne10@exemple.fr')[0]));

    // The first attendee cancels through their private page, with its confirmation step.
    const browser = new Browser(app);
    const confirmPage = await browser.get(`/r/${first.token}/cancel`);
    t.equal(confirmPage.statusCode, 200);
    const cancelled = await browser.submit(`/r/${first.token}/cancel`, `/r/${first.token}/cancel`, {});
    t.equal(cancelled.statusCode, 303);
    before = smtp.received.length;
    t.same(await drain(), { sent: 2, retried: 0, failed: 0 });
    await smtp.waitFor(before + 2);

    const cancellation = smtp.to('personne10@exemple.fr')[1];
    t.equal(cancellation.parsed.subject, 'Inscription annulée : Atelier de la solidarité');
    t.same(calendarContentTypes(cancellation.raw), ['text/calendar; charset=utf-8; method=CANCEL']);
    const cancel = parseCalendar(calendarOf(cancellation));
    t.equal(cancel.method, 'CANCEL');
    t.same(
      cancel.events.map((e) => e.uid),
      invite.events.map((e) => e.uid),
      'the same UIDs as the invite',
    );
    t.ok(cancel.events[0].sequence > invite.events[0].sequence, 'a higher SEQUENCE');
    t.equal(cancel.events[0].status, 'CANCELLED');
    t.same(cancel.events[0].attendees, ['mailto:personne10@exemple.fr']);

    const promoted = smtp.to('personne11@exemple.fr')[1];
    t.equal(promoted.parsed.subject, "Une place s'est libérée : inscription confirmée — Atelier de la solidarité");
    t.same(calendarContentTypes(promoted.raw), ['text/calendar; charset=utf-8; method=REQUEST'], 'the invite, now');
    const promotedInvite = parseCalendar(calendarOf(promoted));
    t.same(promotedInvite.events[0].attendees, ['mailto:personne11@exemple.fr']);
    t.equal(promotedInvite.events[0].uid, invite.events[0].uid, 'the same meeting');
    t.equal(
      (await em().findOneOrFail(Registration, { email: 'personne11@exemple.fr', event: event.id })).status,
      'confirmed',
    );
  },
);

t.test('an organiser cancels a registration from the list: the attendee gets METHOD:CANCEL', async (t) => {
  const event = await workshop();
  const registration = await registerThroughForm(event.slug, 20);
  const list = await organiser.get(`/admin/events/${event.id}/registrations`);
  t.match(
    list.body,
    `href="/admin/events/${event.id}/registrations/${registration.id}/cancel"`,
    'a cancel action per registration',
  );
  const confirm = await organiser.get(`/admin/events/${event.id}/registrations/${registration.id}/cancel`);
  t.equal(confirm.statusCode, 200);
  t.match(confirm.body, 'personne20@exemple.fr');
  const done = await organiser.submit(
    `/admin/events/${event.id}/registrations/${registration.id}/cancel`,
    `/admin/events/${event.id}/registrations/${registration.id}/cancel`,
    {},
  );
  t.equal(done.statusCode, 303);
  t.equal((await em().findOneOrFail(Registration, { id: registration.id })).status, 'cancelled');
  t.equal(done.headers.location, `/admin/events/${event.id}/registrations`);
  t.match(
    textOf((await organiser.get(String(done.headers.location))).body),
    "L'inscription est annulée ; la personne en est informée par courriel.",
    'the list says what happened, once',
  );
  const noCsrf = await organiser.post(`/admin/events/${event.id}/registrations/${registration.id}/cancel`, {});
  t.equal(noCsrf.statusCode, 403, 'the POST needs the CSRF token');

  const before = smtp.received.length;
  await drain();
  await smtp.waitFor(before + 2);
  const [confirmation, cancellation] = smtp.to('personne20@exemple.fr');
  t.ok(confirmation && cancellation);
  t.match(cancellation.parsed.text, 'Les organisateurs ont annulé votre inscription');
  t.equal(parseCalendar(calendarOf(cancellation)).method, 'CANCEL');
});

t.test('once the attendee has a published group, their emails carry it (room, facilitator)', async (t) => {
  const event = await workshop();
  const registration = await registerThroughForm(event.slug, 30);
  await drain();
  const fork = em();
  const loaded = await fork.findOneOrFail(Registration, { id: registration.id }, { populate: ['event.sessions'] });
  loaded.group = loaded.event.sessions.getItems().find((s) => s.kind === 'breakout')!;
  await fork.flush();
  const hidden = await fork.transactional(async (tx) => {
    await queueInviteUpdates(tx, loaded.event, [loaded], app.mail.settings, 'test:before-publication');
    return (await tx.findOneOrFail(OutboxMessage, { dedupeKey: { $like: '%test:before-publication%' } })).ics!;
  });
  t.equal(
    parseCalendar(hidden).events.length,
    1,
    'before the assignments are published, the group is not in the invite',
  );
  loaded.event.assignmentsPublishedAt = new Date();
  await fork.flush();
  await fork.transactional((tx) => queueInviteUpdates(tx, loaded.event, [loaded], app.mail.settings, 'test:published'));
  const before = smtp.received.length;
  await drain();
  await smtp.waitFor(before + 2);
  const mail = smtp.to('personne30@exemple.fr').at(-1)!;
  const invite = parseCalendar(calendarOf(mail));
  t.equal(invite.events.length, 2, 'plenary and group');
  t.match(invite.events[1].summary, 'Groupe 1');
  t.match(invite.events[1].location, 'Salle 1');
  t.match(mail.parsed.text, 'Groupe de travail : Groupe 1');
  t.match(mail.parsed.text, 'Animation : Alisée');
});

t.test('what the organiser and attendees type is escaped in the HTML part', async (t) => {
  const event = await workshop({ title: 'Atelier <b>gras</b> & "cités"', organiserName: '' });
  const browser = new Browser(app);
  const res = await browser.submit(`/e/${event.slug}/register`, `/e/${event.slug}/register`, {
    ...attendee(40),
    firstName: '<script>alert(1)</script>',
  });
  t.equal(res.statusCode, 303);
  const before = smtp.received.length;
  await drain();
  await smtp.waitFor(before + 1);
  const mail = smtp.to('personne40@exemple.fr')[0];
  const html = String(mail.parsed.html);
  t.notMatch(html, '<script>', 'no markup from the attendee');
  t.match(html, '&lt;script&gt;');
  t.notMatch(html, '<b>gras</b>');
  t.match(html, 'Atelier &lt;b&gt;gras&lt;/b&gt; &amp; &quot;cités&quot;');
  t.match(mail.parsed.text, 'Bonjour <script>alert(1)</script>,', 'the text part is plain text');
  t.equal(mail.parsed.from?.value[0].name, 'Inscriptions', "without an organiser name: MAIL_FROM's name");
  t.equal(mail.parsed.replyTo?.value[0].address, 'precarite@ccas-angers.fr');
});

t.test('the same cause never queues two emails', async (t) => {
  const event = await workshop();
  const registration = await registerThroughForm(event.slug, 50);
  const fork = em();
  const loaded = await fork.findOneOrFail(Registration, { id: registration.id }, { populate: ['event.sessions'] });
  for (let i = 0; i < 2; i++)
    await fork.transactional((tx) =>
      queueRegistrationMail(tx, loaded, loaded.event, 'confirmation', app.mail.settings),
    );
  t.equal(
    await em().count(OutboxMessage, { registration: registration.id, kind: 'confirmation' }),
    1,
    'one row per dedupe key',
  );
  await drain();
  t.same(await drain(), { sent: 0, retried: 0, failed: 0 }, 'nothing left: a sent message is never picked again');
});

t.test('a registration refused by the rules queues nothing', async (t) => {
  const event = await workshop();
  const count = await em().count(OutboxMessage, {});
  const res = await new Browser(app).submit(`/e/${event.slug}/register`, `/e/${event.slug}/register`, {
    ...attendee(60),
    email: 'pas-une-adresse',
  });
  t.equal(res.statusCode, 400);
  await registerThroughForm(event.slug, 61);
  const again = await new Browser(app).submit(`/e/${event.slug}/register`, `/e/${event.slug}/register`, attendee(61));
  t.equal(again.statusCode, 409, 'the same email twice is refused');
  t.equal(await em().count(OutboxMessage, {}), count + 1, 'only the accepted registration queued an email');
});
