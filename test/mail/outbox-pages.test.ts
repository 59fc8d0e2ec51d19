import { simpleParser } from 'mailparser';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { findEvent } from '../../src/events/event.service.js';
import { OutboxMessage } from '../../src/mail/outbox.entity.js';
import { createMailTransport, drainOutbox } from '../../src/mail/outbox.worker.js';
import { Registration } from '../../src/registrations/registration.entity.js';
import { Browser, buildTestApp, csrfFrom, signedInOrganiser, textOf } from '../support/app.js';
import { attendee, openEvent } from '../support/events.js';
import { parseCalendar } from '../support/ical.js';
import { TestSmtpServer } from '../support/smtp.js';

// The default: no SMTP_URL, so emails are written as .eml files under DATA_DIR/outbox.
const { app, orm, config, dataDir } = await buildTestApp(t, { MAIL_WORKER: 'false' });
const organiser = await signedInOrganiser(app);
const transport = createMailTransport(config.mail);
const em = () => orm.em.fork();

async function register(slug: string, n: number, type?: string) {
  const res = await new Browser(app).submit(`/e/${slug}/register`, `/e/${slug}/register`, attendee(n, type));
  if (res.statusCode !== 303) throw new Error(`registration ${n}: ${res.statusCode}`);
}

t.test('without SMTP_URL, each email is written as a .eml file, exactly as it would be sent', async (t) => {
  t.equal(config.mail.smtpUrl, null);
  t.equal(config.mail.outboxDir, join(dataDir, 'outbox'));
  const event = await openEvent(em(), { title: 'Atelier sans serveur' });
  await register(event.slug, 1);
  t.same(await drainOutbox(orm, transport), { sent: 1, retried: 0, failed: 0 });
  const files = readdirSync(config.mail.outboxDir);
  t.equal(files.length, 1);
  t.match(files[0], /^atelier-outbox-\d+@atelier\.test\.eml$/);
  const raw = readFileSync(join(config.mail.outboxDir, files[0]));
  t.match(raw.toString(), /\r\n/, 'CRLF line endings, as on the wire');
  const parsed = await simpleParser(raw);
  t.equal(parsed.subject, 'Inscription confirmée : Atelier sans serveur');
  t.same(parsed.to && !Array.isArray(parsed.to) ? parsed.to.value.map((a) => a.address) : [], ['personne1@exemple.fr']);
  t.equal(parsed.from?.value[0].address, 'atelier@atelier.test', 'MAIL_FROM defaults to atelier@ the PUBLIC_URL host');
  const calendar = parsed.attachments.find((a) => a.contentType === 'text/calendar');
  t.ok(calendar, 'with its invite');
  t.equal(parseCalendar(calendar!.content.toString()).method, 'REQUEST');
  const message = await em().findOneOrFail(OutboxMessage, { recipient: 'personne1@exemple.fr' });
  t.equal(message.status, 'sent');
});

t.test('the organiser pages list what went out, per event and overall, and show each message', async (t) => {
  const event = await openEvent(em(), { title: 'Atelier listé', capacity: 1 });
  await register(event.slug, 2);
  await register(event.slug, 3);
  await drainOutbox(orm, transport);
  const page = await organiser.get(`/admin/events/${event.id}/emails`);
  t.equal(page.statusCode, 200);
  const text = textOf(page.body);
  t.match(text, 'Aucun serveur SMTP', 'says emails are written to files');
  t.match(text, join(dataDir, 'outbox'));
  t.match(text, 'personne2@exemple.fr');
  t.match(text, 'Inscription confirmée : Atelier listé');
  t.match(text, "Liste d'attente : Atelier listé");
  t.match(text, 'Confirmation');
  t.match(text, 'Envoyé');
  t.notMatch(text, 'Atelier sans serveur', 'only this event');
  const overview = await organiser.get(`/admin/events/${event.id}`);
  t.match(overview.body, `href="/admin/events/${event.id}/emails"`, 'linked from the event page');

  const all = await organiser.get('/admin/emails');
  t.equal(all.statusCode, 200);
  t.match(textOf(all.body), 'Atelier sans serveur');
  t.match(textOf(all.body), 'Atelier listé');
  const filtered = await organiser.get('/admin/emails?status=failed');
  t.match(textOf(filtered.body), '0 message');

  const message = await em().findOneOrFail(OutboxMessage, { recipient: 'personne3@exemple.fr' });
  const detail = await organiser.get(`/admin/emails/${message.id}`);
  t.equal(detail.statusCode, 200);
  t.match(textOf(detail.body), "est complet : vous êtes inscrit·e sur la liste d'attente", 'the text of the message');
  t.match(textOf(detail.body), 'personne3@exemple.fr');
  t.match(detail.body, `href="/admin/emails/${message.id}/message.eml"`);
  const eml = await organiser.get(`/admin/emails/${message.id}/message.eml`);
  t.equal(eml.statusCode, 200);
  t.match(eml.headers['content-type'], 'message/rfc822');
  t.equal((await simpleParser(eml.rawPayload)).subject, "Liste d'attente : Atelier listé");

  t.equal((await new Browser(app).get(`/admin/events/${event.id}/emails`)).statusCode, 303, 'organisers only');
  t.equal((await new Browser(app).get(`/admin/emails/${message.id}/message.eml`)).statusCode, 303);
  t.equal((await organiser.get('/admin/emails/999999')).statusCode, 404);
});

t.test('a failed email is shown and the organiser sends it again with a button', async (t) => {
  const event = await openEvent(em(), { title: 'Atelier en échec' });
  await register(event.slug, 4);
  // The mail server refuses the address for good.
  const smtp = await TestSmtpServer.start();
  t.teardown(() => smtp.stop());
  smtp.refuseRecipients = { code: 550, message: 'Mailbox unavailable' };
  const smtpTransport = createMailTransport({ ...config.mail, smtpUrl: smtp.url });
  t.teardown(() => smtpTransport.close?.());
  t.same(await drainOutbox(orm, smtpTransport), { sent: 0, retried: 0, failed: 1 });

  const page = await organiser.get(`/admin/events/${event.id}/emails`);
  const text = textOf(page.body);
  t.match(text, 'Échec');
  t.match(text, '550');
  t.match(text, 'Renvoyer le message en échec');
  const message = await em().findOneOrFail(OutboxMessage, { recipient: 'personne4@exemple.fr' });
  t.match(page.body, `action="/admin/emails/${message.id}/resend"`);

  const resent = await organiser.post(`/admin/emails/${message.id}/resend`, { _csrf: csrfFrom(page.body) });
  t.equal(resent.statusCode, 303);
  t.equal(resent.headers.location, `/admin/events/${event.id}/emails`);
  const afterResend = await organiser.get(String(resent.headers.location));
  t.match(textOf(afterResend.body), '1 message remis en file', 'a one-time notice with the count');
  t.match(afterResend.body, 'notice-done');
  const pending = await em().findOneOrFail(OutboxMessage, { id: message.id });
  t.equal(pending.status, 'pending');
  t.equal(pending.attempts, 0, 'a fresh set of attempts');

  smtp.refuseRecipients = null;
  t.same(await drainOutbox(orm, smtpTransport), { sent: 1, retried: 0, failed: 0 });
  await smtp.waitFor(1);
  const again = await organiser.post(`/admin/emails/${message.id}/resend`, { _csrf: csrfFrom(page.body) });
  t.equal(again.headers.location, `/admin/events/${event.id}/emails`);
  t.match(
    textOf((await organiser.get(String(again.headers.location))).body),
    '0 message remis en file',
    'a sent email is not sent again',
  );
  t.same(await drainOutbox(orm, smtpTransport), { sent: 0, retried: 0, failed: 0 });
  t.equal(smtp.received.length, 1);
  const noCsrf = await organiser.post(`/admin/emails/${message.id}/resend`, {});
  t.equal(noCsrf.statusCode, 403);
});

t.test('the organiser writes to a filtered set of attendees, through the same outbox', async (t) => {
  const event = await openEvent(em(), { title: 'Atelier message', capacity: 3 });
  await register(event.slug, 10, 'travailleur-social');
  await register(event.slug, 11, 'association');
  await register(event.slug, 12, 'travailleur-social');
  await register(event.slug, 13, 'travailleur-social'); // waiting list
  const fork = em();
  const loaded = await findEvent(fork, event.id);
  const group2 = loaded.sessions.getItems().find((s) => s.title === 'Groupe 2')!;
  (await fork.findOneOrFail(Registration, { email: 'personne12@exemple.fr', event: event.id })).group = group2;
  await fork.flush();

  const form = await organiser.get(`/admin/events/${event.id}/messages/new`);
  t.equal(form.statusCode, 200);
  t.match(form.body, /<legend>Type de structure<\/legend>/, 'filters grouped in fieldsets');
  t.match(form.body, /name="statuses" value="confirmed" checked/, 'confirmed attendees by default');
  t.match(form.body, `value="${group2.id}"`, 'groups to choose from');
  const batch = /name="batch" value="([^"]+)"/.exec(form.body)![1];

  const invalid = await organiser.post(`/admin/events/${event.id}/messages`, {
    _csrf: csrfFrom(form.body),
    batch,
    subject: '',
    body: '',
    statuses: [],
  });
  t.equal(invalid.statusCode, 400);
  t.match(invalid.body, /id="field-subject-error"/);
  t.match(invalid.body, /id="field-body-error"/);
  t.match(textOf(invalid.body), 'Choisissez une réponse');

  const fields = {
    _csrf: csrfFrom(form.body),
    batch,
    subject: 'Rappel : atelier <jeudi>',
    body: "Bonjour à tous,\n\nN'oubliez pas vos documents.\nÀ jeudi !",
    statuses: ['confirmed', 'waitlisted'],
    structureTypes: ['travailleur-social'],
  };
  const sent = await organiser.post(`/admin/events/${event.id}/messages`, fields);
  t.equal(sent.statusCode, 303);
  t.equal(sent.headers.location, `/admin/events/${event.id}/emails`);
  t.match(
    textOf((await organiser.get(String(sent.headers.location))).body),
    '3 messages mis en file',
    'three social workers, confirmed or waiting',
  );
  const twice = await organiser.post(`/admin/events/${event.id}/messages`, fields);
  t.equal(twice.statusCode, 303);
  t.equal(
    await em().count(OutboxMessage, { event: event.id, kind: 'message' }),
    3,
    'the same form posted twice queues once',
  );

  const grouped = await organiser.post(`/admin/events/${event.id}/messages`, {
    _csrf: csrfFrom(form.body),
    batch: 'second-batch-0001',
    subject: 'Groupe 2',
    body: 'Salle changée.',
    statuses: ['confirmed'],
    groups: [String(group2.id)],
  });
  t.equal(grouped.headers.location, `/admin/events/${event.id}/emails`);
  t.match(
    textOf((await organiser.get(String(grouped.headers.location))).body),
    '1 message mis en file',
    'the one member of group 2',
  );

  await drainOutbox(orm, transport);
  const messages = await em().find(OutboxMessage, { event: event.id, kind: 'message' }, { orderBy: { id: 'asc' } });
  t.same(
    messages.map((m) => m.recipient),
    ['personne10@exemple.fr', 'personne12@exemple.fr', 'personne13@exemple.fr', 'personne12@exemple.fr'],
  );
  t.ok(messages.every((m) => m.status === 'sent'));
  const first = messages[0];
  t.equal(first.subject, 'Rappel : atelier <jeudi>');
  t.match(first.text, "N'oubliez pas vos documents.\nÀ jeudi !");
  t.match(first.html, 'Rappel : atelier &lt;jeudi&gt;', 'escaped in HTML');
  t.notMatch(first.html, '<jeudi>');
  t.equal(first.ics, null, 'no invite with a message');
});

t.test('the worker inside the service sends by itself once started, after a registration', async (t) => {
  const smtp = await TestSmtpServer.start();
  t.teardown(() => smtp.stop());
  const service = await buildTestApp(t, { SMTP_URL: smtp.url, MAIL_FROM: 'atelier@atelier.test' });
  t.ok(service.app.mail.worker, 'MAIL_WORKER is on by default');
  const event = await openEvent(service.orm.em.fork(), { title: 'Atelier automatique' });
  const res = await new Browser(service.app).submit(
    `/e/${event.slug}/register`,
    `/e/${event.slug}/register`,
    attendee(20),
  );
  t.equal(res.statusCode, 303);
  await smtp.waitFor(1);
  t.equal(smtp.received[0].parsed.subject, 'Inscription confirmée : Atelier automatique');
  await service.app.mail.worker!.idle();
  t.equal(
    (await service.orm.em.fork().findOneOrFail(OutboxMessage, { recipient: 'personne20@exemple.fr' })).status,
    'sent',
  );
});
