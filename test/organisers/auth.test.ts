import t from 'tap';
import { Organiser } from '../../src/organisers/organiser.entity.js';
import { Browser, ORGANISER, buildTestApp, signedInOrganiser, textOf } from '../support/app.js';

const { app, orm } = await buildTestApp(t);

t.test('the first visit leads to a one-time setup page', async (t) => {
  const visitor = new Browser(app);
  const login = await visitor.get('/admin');
  t.equal(login.statusCode, 303);
  t.equal(login.headers.location, '/admin/login?next=%2Fadmin');
  const toSetup = await visitor.get('/admin/login');
  t.equal(toSetup.headers.location, '/setup', 'no organiser yet: go to setup');

  const short = await visitor.submit('/setup', '/setup', {
    email: 'orga@ccas.fr',
    password: 'court',
    passwordConfirmation: 'court',
  });
  t.equal(short.statusCode, 400);
  t.match(textOf(short.body), 'au moins 10 caractères');
  t.match(short.body, 'value="orga@ccas.fr"', 'the email is kept');
  t.notMatch(short.body, 'value="court"', 'passwords are never sent back');
  const mismatch = await visitor.submit('/setup', '/setup', {
    email: 'orga@ccas.fr',
    password: 'un-long-mot-de-passe',
    passwordConfirmation: 'un-autre-mot-de-passe',
  });
  t.match(textOf(mismatch.body), 'pas identiques');

  const organiser = await signedInOrganiser(app);
  const home = await organiser.get('/admin');
  t.equal(home.statusCode, 200);
  t.match(textOf(home.body), 'Créer un événement');

  const again = await new Browser(app).get('/setup');
  t.equal(again.statusCode, 303, 'setup is closed once an organiser exists');
  const sneaky = await new Browser(app).submit('/admin/login', '/setup', {
    email: 'intrus@exemple.fr',
    password: 'un-long-mot-de-passe',
    passwordConfirmation: 'un-long-mot-de-passe',
  });
  t.equal(sneaky.statusCode, 303);
  t.equal(await orm.em.fork().count(Organiser, {}), 1, 'no second account through setup');
});

t.test('log in, stay in, log out', async (t) => {
  const browser = new Browser(app);
  const wrong = await browser.submit('/admin/login', '/admin/login', {
    email: ORGANISER.email,
    password: 'mauvais-mot-de-passe',
  });
  t.equal(wrong.statusCode, 401);
  t.match(textOf(wrong.body), 'incorrect');
  t.match(wrong.body, `value="${ORGANISER.email}"`);

  const ok = await browser.submit('/admin/login?next=/admin/events/new', '/admin/login', {
    email: ORGANISER.email.toUpperCase(),
    password: ORGANISER.password,
    next: '/admin/events/new',
  });
  t.equal(ok.statusCode, 303);
  t.equal(ok.headers.location, '/admin/events/new');
  t.equal((await browser.get('/admin')).statusCode, 200);

  const elsewhere = await browser.submit('/admin', '/admin/login', {
    email: ORGANISER.email,
    password: ORGANISER.password,
    next: '//evil.example/',
  });
  t.equal(elsewhere.headers.location, '/admin', 'never redirects to another site');

  const out = await browser.submit('/admin', '/admin/logout', {});
  t.equal(out.statusCode, 303);
  t.equal((await browser.get('/admin')).statusCode, 303, 'signed out');
});

t.test('organiser pages refuse a form without a valid CSRF token', async (t) => {
  const browser = await signedInAgain();
  const res = await browser.post('/admin/events', {
    title: 'Sans jeton',
    startsAt: '2030-01-01T09:00',
    endsAt: '2030-01-01T10:00',
  });
  t.equal(res.statusCode, 403);
  const other = await signedInAgain();
  const token = /name="_csrf" value="([^"]+)"/.exec((await other.get('/admin/events/new')).body)![1];
  const stolen = await browser.post('/admin/events', {
    _csrf: token,
    title: 'Jeton volé',
    startsAt: '2030-01-01T09:00',
    endsAt: '2030-01-01T10:00',
  });
  t.equal(stolen.statusCode, 403, "another session's token does not work");
});

async function signedInAgain() {
  const browser = new Browser(app);
  await browser.submit('/admin/login', '/admin/login', { email: ORGANISER.email, password: ORGANISER.password });
  return browser;
}
