import t from 'tap';
import { Browser, ORGANISER, buildTestApp, signedInOrganiser, textOf } from '../support/app.js';
import { TestSmtpServer } from '../support/smtp.js';

// "Forgotten password" must not tell who has an account by how long it takes: the SMTP round trip
// happens after the answer, never inside the request. Asserted structurally: the mail server holds
// every message, and the answer still comes.
const smtp = await TestSmtpServer.start();
t.teardown(() => smtp.stop());
const { app } = await buildTestApp(t, {
  SMTP_URL: smtp.url,
  MAIL_FROM: 'Atelier <atelier@atelier.test>',
  MAIL_WORKER: 'false',
});
await signedInOrganiser(app);

t.test('the request answers while the mail server has not answered yet', async (t) => {
  let release = () => {};
  smtp.hold = new Promise<void>((resolve) => {
    release = resolve;
  });
  const browser = new Browser(app);
  const known = await browser.submit('/admin/password-reset', '/admin/password-reset', { email: ORGANISER.email });
  t.equal(known.statusCode, 200, 'answered although the mail server holds the message');
  t.equal(smtp.received.length, 0, 'nothing delivered yet: the request did not wait for SMTP');
  const unknown = await browser.submit('/admin/password-reset', '/admin/password-reset', {
    email: 'personne@nulle-part.fr',
  });
  t.equal(textOf(known.body), textOf(unknown.body).replace('personne@nulle-part.fr', ORGANISER.email));
  smtp.hold = null;
  release();
  await smtp.waitFor(1);
  t.equal(smtp.to(ORGANISER.email).length, 1, 'the email leaves afterwards');
});

t.test('password reset requests are rate-limited per address, as login is', async (t) => {
  const limited = await buildTestApp(t, { RATE_LIMIT_LOGIN: '2' });
  const browser = new Browser(limited.app);
  const statuses = [];
  for (let i = 0; i < 3; i++)
    statuses.push(
      (await browser.submit('/admin/password-reset', '/admin/password-reset', { email: 'x@exemple.fr' })).statusCode,
    );
  t.same(statuses, [200, 200, 429]);
});
