import t from 'tap';
import { Organiser } from '../../src/organisers/organiser.entity.js';
import { Browser, ORGANISER, buildTestApp, signedInOrganiser } from '../support/app.js';

const { app, orm } = await buildTestApp(t);
await signedInOrganiser(app);

/** Signs in and returns the browser with a copy of its session cookie, as someone who stole it would hold it. */
async function signIn(): Promise<{ browser: Browser; stolen: Browser }> {
  const browser = new Browser(app);
  const page = await browser.get('/admin/login');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1];
  const cookie = [page.headers['set-cookie'] ?? []].flat().map((c) => c.split(';')[0]);
  const res = await browser.request({
    method: 'POST',
    url: '/admin/login',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookie.join('; ') },
    payload: new URLSearchParams({ _csrf: csrf, ...ORGANISER, next: '/admin' }).toString(),
  });
  if (res.statusCode !== 303) throw new Error(`sign-in: ${res.statusCode}`);
  const session = [res.headers['set-cookie'] ?? []].flat().map((c) => c.split(';')[0]);
  return { browser, stolen: new Browser(app, { cookie: session.join('; ') }) };
}

t.test('a copied session cookie stops working once its owner logs out', async (t) => {
  const { browser, stolen } = await signIn();
  t.equal((await stolen.get('/admin')).statusCode, 200, 'the copy works while the session lasts');
  const out = await browser.submit('/admin', '/admin/logout', {});
  t.equal(out.statusCode, 303);
  const after = await stolen.get('/admin');
  t.equal(after.statusCode, 303, 'the copy gets the login redirect');
  t.equal(after.headers.location, '/admin/login?next=%2Fadmin');
  t.equal((await browser.get('/admin')).statusCode, 303, 'the browser that logged out too');

  const again = await signIn();
  t.equal((await again.browser.get('/admin')).statusCode, 200, 'signing in again works');
  t.equal((await stolen.get('/admin')).statusCode, 303, 'and does not revive the old copy');
});

t.test('a password change moves the session generation on; this browser stays signed in', async (t) => {
  const { browser, stolen } = await signIn();
  const before = (await orm.em.fork().findOneOrFail(Organiser, { email: ORGANISER.email })).sessionGeneration;
  const changed = await browser.submit('/admin/account', '/admin/account/password', {
    currentPassword: ORGANISER.password,
    password: 'un-mot-de-passe-solide-2',
    passwordConfirmation: 'un-mot-de-passe-solide-2',
  });
  t.equal(changed.statusCode, 303);
  const after = (await orm.em.fork().findOneOrFail(Organiser, { email: ORGANISER.email })).sessionGeneration;
  t.ok(after > before, 'the generation moved on');
  t.equal((await browser.get('/admin')).statusCode, 200, 'this browser stays');
  t.equal((await stolen.get('/admin')).statusCode, 303, 'the copy is out');
});
