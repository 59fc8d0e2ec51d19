import t from 'tap';
import { grantRole } from '../../src/access/access.service.js';
import { OutboxMessage } from '../../src/mail/outbox.entity.js';
import { PasswordReset } from '../../src/organisers/account.entity.js';
import { Organiser } from '../../src/organisers/organiser.entity.js';
import { createOrganiser } from '../../src/organisers/organiser.service.js';
import { Browser, ORGANISER, buildTestApp, signedInOrganiser, textOf } from '../support/app.js';
import { attendee, openEvent } from '../support/events.js';
import { TestSmtpServer } from '../support/smtp.js';
import { writesDuring } from '../support/sql-writes.js';

// "Forgotten password" must not tell who has an account by how long it takes. Asserted
// structurally, never with a clock: for a known and an unknown address the request writes one
// outbox row (the same statement), sends nothing to SMTP itself (the mail server holds every
// message, and the answer still comes), and the worker delivers the email afterwards.
const smtp = await TestSmtpServer.start();
t.teardown(() => smtp.stop());
// With the outbox worker running, as in production: it is woken after each POST.
// No scheduled jobs: their bookkeeping (job_run rows, written at start-up) would fall among the writes counted below.
const { app, orm } = await buildTestApp(t, {
  SMTP_URL: smtp.url,
  MAIL_FROM: 'Atelier <atelier@atelier.test>',
  SCHEDULED_JOBS: 'false',
});
const em = () => orm.em.fork();
const first = await signedInOrganiser(app);
const other = await createOrganiser(em(), {
  email: 'collegue@ccas-angers.fr',
  name: 'Collègue',
  password: 'mot-de-passe-collegue',
});

const rows = () => em().count(OutboxMessage, {});
const ask = (email: string) =>
  new Browser(app).submit('/admin/password-reset', '/admin/password-reset', { email }).then((res) => res);

t.test('known or unknown, the request queues one email and does not wait for the mail server', async (t) => {
  let release = () => {};
  smtp.hold = new Promise<void>((resolve) => {
    release = resolve;
  });
  const before = await rows();
  let known: Awaited<ReturnType<typeof ask>> | undefined;
  let unknown: Awaited<ReturnType<typeof ask>> | undefined;
  const knownWrites: string[] = [];
  await writesDuring(orm, knownWrites, async () => {
    known = await ask(other.email);
  });
  t.equal(await rows(), before + 1, 'a known address: one outbox row');
  const unknownWrites: string[] = [];
  await writesDuring(orm, unknownWrites, async () => {
    unknown = await ask('personne@nulle-part.fr');
  });
  t.equal(await rows(), before + 2, 'an unknown address: one outbox row too');
  // The worker runs meanwhile (woken by the first request) and may claim that first email, an
  // `update outbox_message` of its own; the requests themselves only insert.
  const requestOutboxWrites = (writes: string[]) => writes.filter((w) => w === 'insert outbox_message');
  t.same(requestOutboxWrites(unknownWrites), requestOutboxWrites(knownWrites), 'the same outbox write');
  t.same(requestOutboxWrites(knownWrites), ['insert outbox_message'], 'one insert each');
  t.same(
    [...knownWrites, ...unknownWrites].filter((w) => w.includes('outbox') && !w.startsWith('update outbox')),
    ['insert outbox_message', 'insert outbox_message'],
    'and no other outbox write from the requests',
  );
  // The one write only the known address makes: the hash of its new link.
  t.same(
    knownWrites.filter((w) => !w.includes('outbox')),
    ['insert password_reset'],
  );
  t.same(
    unknownWrites.filter((w) => !w.includes('outbox')),
    [],
  );
  t.equal(known?.statusCode, 200, 'answered although the mail server holds every message');
  t.equal(smtp.received.length, 0, 'nothing delivered: the requests did not wait for SMTP');
  t.equal(
    textOf(known?.body ?? ''),
    textOf(unknown?.body ?? '').replace('personne@nulle-part.fr', other.email),
    'the same page',
  );
  smtp.hold = null;
  release();
  await smtp.waitFor(2);
  const [link] = smtp.to(other.email);
  const [none] = smtp.to('personne@nulle-part.fr');
  t.equal(link.parsed.headers.get('x-atelier-kind'), 'password_reset', 'sent by the outbox worker');
  t.match(link.parsed.text, /\/admin\/password-reset\/[A-Za-z0-9_-]{20,}/, 'the account holder gets the link');
  t.equal(none.parsed.headers.get('x-atelier-kind'), 'password_reset');
  t.match(none.parsed.text, 'aucun compte', 'an unknown address learns that no account uses it');
  t.notMatch(none.parsed.text, '/admin/password-reset/');
});

t.test("another organiser's email pages never show a reset link, before or after it is sent", async (t) => {
  const event = await openEvent(em(), { title: 'Atelier des collègues' });
  const firstAccount = await em().findOneOrFail(Organiser, { email: ORGANISER.email });
  await grantRole(em(), event, firstAccount, 'owner');
  await new Browser(app).submit(`/e/${event.slug}/register`, `/e/${event.slug}/register`, attendee(1));
  await em().nativeDelete(PasswordReset, {});
  const mine = smtp.to(other.email).length;
  // The worker may not send it yet: the row waits, link and all, as it would behind a slow server.
  let release = () => {};
  smtp.hold = new Promise<void>((resolve) => {
    release = resolve;
  });
  await ask(other.email);
  const message = await em().findOneOrFail(OutboxMessage, { recipient: other.email }, { orderBy: { id: 'desc' } });
  t.equal(message.event, null, 'the email belongs to no event');
  const link = /\/admin\/password-reset\/[A-Za-z0-9_-]+/.exec(message.text)![0];
  const pages = [
    '/admin/emails',
    '/admin/emails?status=pending',
    '/admin/emails?status=sending',
    `/admin/events/${event.id}/emails`,
    `/admin/events/${event.id}/emails?status=pending`,
  ];
  for (const page of pages) {
    const res = await first.get(page);
    t.equal(res.statusCode, 200, page);
    t.notMatch(res.body, link, `${page} shows no reset link`);
    t.notMatch(res.body, other.email, `${page} does not list the email`);
  }
  for (const page of [`/admin/emails/${message.id}`, `/admin/emails/${message.id}/message.eml`]) {
    t.equal((await first.get(page)).statusCode, 404, `${page}: no event's email, not found for anyone`);
  }
  const resend = await first.get(`/admin/emails/${message.id}/resend`);
  t.not(resend.statusCode, 200);
  smtp.hold = null;
  release();
  while (smtp.to(other.email).length === mine) await smtp.waitFor(smtp.received.length + 1);
  await app.mail.worker?.idle();
  t.match(smtp.to(other.email).at(-1)?.parsed.text, link, 'the worker sent it');
  const sent = await em().findOneOrFail(OutboxMessage, message.id);
  t.equal(sent.status, 'sent');
  t.equal(sent.text, '', 'once sent, the link is no longer kept in the outbox');
  t.equal(sent.html, '');
});

t.test('password reset requests are rate-limited per address, as login is', async (t) => {
  const limited = await buildTestApp(t, { RATE_LIMIT_LOGIN: '2', MAIL_WORKER: 'false' });
  const browser = new Browser(limited.app);
  const statuses = [];
  for (let i = 0; i < 3; i++)
    statuses.push(
      (await browser.submit('/admin/password-reset', '/admin/password-reset', { email: 'x@exemple.fr' })).statusCode,
    );
  t.same(statuses, [200, 200, 429]);
});
