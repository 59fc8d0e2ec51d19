import t from 'tap';
import { createMailTransport, drainOutbox } from '../../src/mail/outbox.worker.js';
import { PasswordReset } from '../../src/organisers/account.entity.js';
import { Browser, ORGANISER, buildTestApp, signedInOrganiser, textOf } from '../support/app.js';
import { TestSmtpServer } from '../support/smtp.js';

const smtp = await TestSmtpServer.start();
t.teardown(() => smtp.stop());
const mailEnv = { SMTP_URL: smtp.url, MAIL_FROM: 'Atelier <atelier@atelier.test>', MAIL_WORKER: 'false' };
const { app, orm, config } = await buildTestApp(t, mailEnv);
const first = await signedInOrganiser(app);
// The outbox worker, driven by hand.
const transport = createMailTransport(config.mail);
t.teardown(() => transport.close?.());
const drain = () => drainOutbox(orm, transport);
// A second instance on the same database, as behind a load balancer.
const { app: other } = await buildTestApp(t, { ...mailEnv, DATABASE_URL: config.database.url });

const login = (instance = app, email = ORGANISER.email, password = ORGANISER.password, ip = '203.0.113.7') => {
  const browser = new Browser(instance, {});
  return browser.request({ method: 'GET', url: '/admin/login', remoteAddress: ip }).then(async (page) => {
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1];
    const response = await browser.request({
      method: 'POST',
      url: '/admin/login',
      remoteAddress: ip,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: csrf, email, password, next: '/admin' }).toString(),
    });
    return { response, browser };
  });
};

t.test('five wrong passwords for an account: sign-in waits 15 minutes, on every instance', async (t) => {
  for (let i = 0; i < 5; i++)
    t.equal((await login(app, ORGANISER.email, 'mauvais')).response.statusCode, 401, `failure ${i + 1}`);
  const blocked = (await login(app)).response;
  t.equal(blocked.statusCode, 429, 'even the right password waits');
  t.ok(Number(blocked.headers['retry-after']) > 800, 'Retry-After says how long');
  t.match(textOf(blocked.body), 'Trop de tentatives');
  t.match(textOf(blocked.body), 'Réessayez dans 15 minutes');
  t.equal((await login(other)).response.statusCode, 429, 'the other instance counts the same failures');
  t.equal(
    (await login(app, 'quelquun@ailleurs.fr', 'mauvais', '198.51.100.2')).response.statusCode,
    401,
    'another account is not blocked',
  );
  await orm.em.fork().getConnection().execute('delete from login_failure');
  t.equal((await login(app)).response.statusCode, 303, 'once the window has passed, the account signs in');
});

t.test('twenty failures from one address block it, whatever the accounts tried', async (t) => {
  for (let i = 0; i < 20; i++) await login(app, `compte${i}@exemple.fr`, 'mauvais', '192.0.2.50');
  t.equal(
    (await login(app, ORGANISER.email, ORGANISER.password, '192.0.2.50')).response.statusCode,
    429,
    'that address waits',
  );
  t.equal(
    (await login(app, ORGANISER.email, ORGANISER.password, '192.0.2.51')).response.statusCode,
    303,
    'another address does not',
  );
  await orm.em.fork().getConnection().execute('delete from login_failure');
});

t.test('changing the password keeps this browser signed in and signs out the others', async (t) => {
  const { browser: elsewhere } = await login(app);
  t.equal((await elsewhere.get('/admin')).statusCode, 200);
  const wrong = await first.submit('/admin/account', '/admin/account/password', {
    currentPassword: 'pas-le-bon',
    password: 'nouveau-mot-de-passe',
    passwordConfirmation: 'nouveau-mot-de-passe',
  });
  t.equal(wrong.statusCode, 400);
  t.match(textOf(wrong.body), 'mot de passe actuel est incorrect');
  const short = await first.submit('/admin/account', '/admin/account/password', {
    currentPassword: ORGANISER.password,
    password: 'court',
    passwordConfirmation: 'court',
  });
  t.equal(short.statusCode, 400);
  const changed = await first.submit('/admin/account', '/admin/account/password', {
    currentPassword: ORGANISER.password,
    password: 'nouveau-mot-de-passe',
    passwordConfirmation: 'nouveau-mot-de-passe',
  });
  t.equal(changed.statusCode, 303);
  const after = await first.get('/admin/account');
  t.equal(after.statusCode, 200, 'this browser is still signed in');
  t.match(textOf(after.body), 'Mot de passe changé.', 'and the account page says so');
  t.equal((await elsewhere.get('/admin')).statusCode, 303, 'the other session has ended');
  t.equal(
    (await login(app, ORGANISER.email, ORGANISER.password)).response.statusCode,
    401,
    'the old password no longer works',
  );
  t.equal((await login(app, ORGANISER.email, 'nouveau-mot-de-passe')).response.statusCode, 303);
});

t.test('a forgotten password is reset through a single-use, expiring link', async (t) => {
  const anonymous = new Browser(app);
  const before = smtp.received.length;
  const unknown = await anonymous.submit('/admin/password-reset', '/admin/password-reset', {
    email: 'personne@nulle-part.fr',
  });
  const known = await anonymous.submit('/admin/password-reset', '/admin/password-reset', { email: ORGANISER.email });
  t.equal(smtp.received.length, before, 'nothing sent inside the requests: both emails wait in the outbox');
  t.same(await drain(), { sent: 2, retried: 0, failed: 0 }, 'the worker sends them');
  t.equal(unknown.statusCode, 200);
  t.equal(
    textOf(known.body),
    textOf(unknown.body).replace('personne@nulle-part.fr', ORGANISER.email),
    'the page does not tell whether the account exists',
  );
  const [nobody] = smtp.to('personne@nulle-part.fr');
  t.match(nobody.parsed.subject, 'aucun compte', 'an unknown address is told that no account uses it');
  t.notMatch(nobody.parsed.text, '/admin/password-reset/', 'with no link');
  const [mail] = smtp.to(ORGANISER.email);
  const link = new URL(/https?:\/\/\S+\/admin\/password-reset\/\S+/.exec(mail.parsed.text ?? '')![0]).pathname;
  t.match(mail.parsed.html, `href="http`, 'the HTML part links to it too');
  const again = await anonymous.submit('/admin/password-reset', '/admin/password-reset', { email: ORGANISER.email });
  t.equal(again.statusCode, 200);
  await drain();
  t.equal(await orm.em.fork().count(PasswordReset, {}), 1, 'asking again at once issues no second link');
  const reminder = smtp.to(ORGANISER.email)[1];
  t.match(reminder.parsed.subject, 'déjà été envoyé', 'but says that one was sent minutes ago');
  t.notMatch(reminder.parsed.text, '/admin/password-reset/');

  const mismatch = await anonymous.submit(link, link, {
    password: 'encore-un-autre',
    passwordConfirmation: 'different-encore',
  });
  t.equal(mismatch.statusCode, 400, 'a mismatch is shown on the form, the link still works');
  const reset = await anonymous.submit(link, link, {
    password: 'mot-de-passe-retrouve',
    passwordConfirmation: 'mot-de-passe-retrouve',
  });
  t.equal(reset.statusCode, 303);
  const signedIn = await anonymous.get('/admin');
  t.equal(signedIn.statusCode, 200, 'signed in with the new password');
  t.match(textOf(signedIn.body), 'Votre mot de passe est choisi', 'the page says what happened');
  const reused = await new Browser(app).get(link);
  t.equal(reused.statusCode, 404, 'the link works once');
  t.match(textOf(reused.body), 'déjà servi ou il a expiré');
  t.equal((await first.get('/admin')).statusCode, 303, 'sessions from before the reset have ended');
  t.equal((await login(app, ORGANISER.email, 'mot-de-passe-retrouve')).response.statusCode, 303);

  await orm.em.fork().nativeUpdate(PasswordReset, {}, { createdAt: new Date(Date.now() - 2 * 3600_000) });
  await anonymous.submit('/admin/password-reset', '/admin/password-reset', { email: ORGANISER.email });
  await drain();
  const expiring = new URL(
    /https?:\/\/\S+\/admin\/password-reset\/\S+/.exec(smtp.to(ORGANISER.email)[2].parsed.text ?? '')![0],
  ).pathname;
  await orm.em.fork().nativeUpdate(PasswordReset, { usedAt: null }, { expiresAt: new Date(Date.now() - 1000) });
  t.equal((await new Browser(app).get(expiring)).statusCode, 404, 'an expired link no longer works');
  t.equal((await new Browser(app).get('/admin/password-reset/pas-un-jeton')).statusCode, 404);
});

t.test('API tokens are created on the account page, shown once, and revoked there', async (t) => {
  const { browser } = await login(app, ORGANISER.email, 'mot-de-passe-retrouve');
  const missing = await browser.submit('/admin/account', '/admin/account/tokens', { label: '' });
  t.equal(missing.statusCode, 400);
  const created = await browser.submit('/admin/account', '/admin/account/tokens', { label: 'Site du partenaire' });
  t.equal(created.statusCode, 303, 'post/redirect/get: a reload cannot create a second token');
  const shown = await browser.get('/admin/account');
  t.match(textOf(shown.body), 'Jeton créé');
  const token = /<code class="token">([^<]+)<\/code>/.exec(shown.body)![1];
  const auth = { authorization: `Bearer ${token}` };
  t.equal((await app.inject({ url: '/api/v1/events', headers: auth })).statusCode, 200, 'the token works');
  const page = await browser.get('/admin/account');
  t.match(textOf(page.body), 'Site du partenaire');
  t.notMatch(page.body, token, 'never shown again');
  const tokenId = /\/admin\/account\/tokens\/(\d+)\/revoke/.exec(page.body)![1];
  const stranger = (await login(app, 'quelquun@ailleurs.fr', 'x', '198.51.100.9')).browser;
  t.equal((await stranger.get('/admin/account')).statusCode, 303, '(not an organiser)');
  const revoked = await browser.submit('/admin/account', `/admin/account/tokens/${tokenId}/revoke`, {});
  t.equal(revoked.statusCode, 303);
  t.match(textOf((await browser.get('/admin/account')).body), 'Jeton révoqué', 'the account page says so');
  t.equal((await app.inject({ url: '/api/v1/events', headers: auth })).statusCode, 401, 'a revoked token is refused');
  t.match(textOf((await browser.get('/admin/account')).body), 'Révoqué');
  t.equal(
    (await browser.submit('/admin/account', '/admin/account/tokens/99999/revoke', {})).statusCode,
    404,
    "someone else's or no token: 404",
  );
});
