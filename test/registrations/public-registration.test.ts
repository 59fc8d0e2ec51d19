import t from 'tap';
import { Registration } from '../../src/registrations/registration.entity.js';
import { Browser, buildTestApp, csrfFrom, textOf } from '../support/app.js';
import { attendee, openEvent } from '../support/events.js';

const { app, orm } = await buildTestApp(t);
const em = () => orm.em.fork();

t.test('the event page shows the programme and a way to register', async (t) => {
  const event = await openEvent(em(), { title: 'Atelier de la solidarité' });
  const res = await new Browser(app).get(`/e/${event.slug}`);
  t.equal(res.statusCode, 200);
  const text = textOf(res.body);
  t.match(text, 'Atelier de la solidarité');
  t.match(text, 'Plénière');
  t.match(text, 'Groupe 1');
  t.match(text, 'Salle 2');
  t.match(text, 'Places restantes : 10');
  t.match(res.body, `href="/e/${event.slug}/register"`);
  t.match(res.headers['content-security-policy'], "form-action 'self'");
});

t.test('a valid registration redirects to its private page', async (t) => {
  const event = await openEvent(em());
  const browser = new Browser(app);
  const res = await browser.submit(`/e/${event.slug}/register`, `/e/${event.slug}/register`, attendee(1));
  t.equal(res.statusCode, 303);
  const location = String(res.headers.location);
  t.match(location, /^\/r\/[A-Za-z0-9_-]{43}\?new=1$/, 'a 256-bit token in the link');
  const page = await browser.get(location);
  t.equal(page.statusCode, 200);
  const text = textOf(page.body);
  t.match(text, 'Inscription confirmée');
  t.match(text, 'personne1@exemple.fr');
  t.match(text, 'Travailleur social');
  t.match(page.body, /href="\/r\/[^"]+\/invite.ics"/);
  const saved = await em().findOneOrFail(Registration, { email: 'personne1@exemple.fr' });
  t.equal(saved.status, 'confirmed');
  t.equal(saved.locale, 'fr');
});

t.test('errors come back beside each field with every value kept', async (t) => {
  const event = await openEvent(em());
  const browser = new Browser(app);
  const res = await browser.submit(`/e/${event.slug}/register`, `/e/${event.slug}/register`, {
    firstName: 'Zoé',
    lastName: '',
    email: 'pas-une-adresse',
    organisation: 'CCAS <Angers> & "co"',
    structureType: 'inconnu',
  });
  t.equal(res.statusCode, 400);
  t.match(res.body, 'value="Zoé"');
  t.match(res.body, 'value="pas-une-adresse"');
  t.match(res.body, 'value="CCAS &lt;Angers&gt; &amp; &quot;co&quot;"', 'values are escaped when shown again');
  t.match(res.body, /id="field-lastName-error"[^>]*>.*obligatoire/s);
  t.match(res.body, /aria-describedby="[^"]*field-email-error/);
  t.match(res.body, 'aria-invalid="true"');
  t.match(res.body, /id="field-consent-error"/);
  t.match(res.body, /id="field-structureType-error"/);
  t.match(res.body, 'role="alert"', 'the error summary is announced');
  t.match(res.body, '<title>Erreur :', 'the title says there is an error');
  t.equal(await em().count(Registration, { event: event.id }), 0, 'nothing stored');
});

t.test('when the event is full, registrations go to the waiting list and the page says so', async (t) => {
  const event = await openEvent(em(), { capacity: 2 });
  for (const n of [1, 2, 3]) {
    const res = await new Browser(app).submit(`/e/${event.slug}/register`, `/e/${event.slug}/register`, attendee(n));
    t.equal(res.statusCode, 303);
  }
  const statuses = (await em().find(Registration, { event: event.id }, { orderBy: { id: 'asc' } })).map(
    (r) => r.status,
  );
  t.same(statuses, ['confirmed', 'confirmed', 'waitlisted']);
  const waitlisted = await em().findOneOrFail(Registration, { email: 'personne3@exemple.fr' });
  const page = await new Browser(app).get(`/r/${waitlisted.token}`);
  t.match(textOf(page.body), "Vous êtes sur liste d'attente");
  const form = await new Browser(app).get(`/e/${event.slug}/register`);
  t.match(textOf(form.body), "liste d'attente");
});

t.test('registration closed or not yet open: the page says so and nothing is stored', async (t) => {
  const closed = await openEvent(em(), { registrationClosesAt: new Date(Date.now() - 1000) });
  const notYet = await openEvent(em(), { registrationOpensAt: new Date(Date.now() + 86400_000) });
  const closedStatus = await openEvent(em(), { status: 'closed' });
  const open = await openEvent(em());
  for (const [event, text] of [
    [closed, 'Les inscriptions sont closes'],
    [notYet, 'Les inscriptions ouvriront le'],
    [closedStatus, 'Les inscriptions sont closes'],
  ] as const) {
    const browser = new Browser(app);
    const form = await browser.get(`/e/${event.slug}/register`);
    t.match(textOf(form.body), text);
    t.notMatch(form.body, 'name="firstName"', 'no form to fill in');
    // As if the form had been opened while registration was still open: a valid token of this session.
    const token = csrfFrom((await browser.get(`/e/${open.slug}/register`)).body);
    const res = await browser.post(`/e/${event.slug}/register`, { _csrf: token, ...attendee(9) });
    t.equal(res.statusCode, 409);
    t.match(textOf(res.body), text.startsWith('Les inscriptions ouvriront') ? 'pas encore ouvertes' : 'closes');
    t.equal(await em().count(Registration, { event: event.id }), 0);
  }
});

t.test('draft events are not public', async (t) => {
  const event = await openEvent(em(), { status: 'draft' });
  t.equal((await new Browser(app).get(`/e/${event.slug}`)).statusCode, 404);
  t.equal((await new Browser(app).get(`/e/${event.slug}/register`)).statusCode, 404);
  t.equal((await new Browser(app).get(`/e/${event.slug}/event.ics`)).statusCode, 404);
});

t.test('the same email cannot register twice for one event', async (t) => {
  const event = await openEvent(em());
  await new Browser(app).submit(`/e/${event.slug}/register`, `/e/${event.slug}/register`, attendee(1));
  const again = await new Browser(app).submit(`/e/${event.slug}/register`, `/e/${event.slug}/register`, {
    ...attendee(1),
    email: 'PERSONNE1@exemple.fr',
  });
  t.equal(again.statusCode, 409);
  t.match(textOf(again.body), 'déjà inscrite');
  t.match(again.body, 'value="PERSONNE1@exemple.fr"', 'the form keeps the values');
  t.equal(await em().count(Registration, { event: event.id }), 1);
});

t.test('a form without its CSRF token is refused with a readable page', async (t) => {
  const event = await openEvent(em());
  const res = await new Browser(app).post(`/e/${event.slug}/register`, attendee(1));
  t.equal(res.statusCode, 403);
  t.match(res.headers['content-type'], 'text/html');
  t.match(textOf(res.body), 'Rechargez la page');
  t.equal(await em().count(Registration, { event: event.id }), 0);
});

t.test('cancelling frees the seat for the first person on the waiting list', async (t) => {
  const event = await openEvent(em(), { capacity: 1 });
  const first = new Browser(app);
  const done = await first.submit(`/e/${event.slug}/register`, `/e/${event.slug}/register`, attendee(1));
  await new Browser(app).submit(`/e/${event.slug}/register`, `/e/${event.slug}/register`, attendee(2));
  const token = String(done.headers.location).split('/')[2].split('?')[0];
  const confirm = await first.get(`/r/${token}/cancel`);
  t.match(textOf(confirm.body), 'Voulez-vous vraiment annuler');
  const res = await first.submit(`/r/${token}/cancel`, `/r/${token}/cancel`, {});
  t.equal(res.statusCode, 303);
  t.match(textOf((await first.get(`/r/${token}`)).body), 'Inscription annulée');
  const second = await em().findOneOrFail(Registration, { email: 'personne2@exemple.fr' });
  t.equal(second.status, 'confirmed', 'promoted from the waiting list');
  t.equal((await first.get(`/r/${token}/invite.ics`)).statusCode, 410, 'no invite for a cancelled registration');
});

t.test('an unknown private link is a plain 404', async (t) => {
  const res = await new Browser(app).get('/r/not-a-real-token');
  t.equal(res.statusCode, 404);
  t.match(textOf(res.body), 'Page introuvable');
});

t.test('the pages speak English when asked', async (t) => {
  const event = await openEvent(em());
  const byHeader = await new Browser(app, { 'accept-language': 'en-GB,en;q=0.9,fr;q=0.5' }).get(
    `/e/${event.slug}/register`,
  );
  t.match(byHeader.body, '<html lang="en">');
  t.match(textOf(byHeader.body), 'First name');
  const browser = new Browser(app);
  const byQuery = await browser.get(`/e/${event.slug}?lang=en`);
  t.match(textOf(byQuery.body), 'Seats left');
  const remembered = await browser.get(`/e/${event.slug}/register`);
  t.match(remembered.body, '<html lang="en">', 'the choice is remembered');
  const res = await browser.submit(`/e/${event.slug}/register`, `/e/${event.slug}/register`, attendee(5));
  t.equal(res.statusCode, 303);
  t.equal((await em().findOneOrFail(Registration, { email: 'personne5@exemple.fr' })).locale, 'en');
});

t.test('oversized and malformed bodies get a readable 4xx page', async (t) => {
  const event = await openEvent(em());
  const browser = new Browser(app);
  const huge = await browser.request({
    method: 'POST',
    url: `/e/${event.slug}/register`,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: `firstName=${'a'.repeat(300 * 1024)}`,
  });
  t.equal(huge.statusCode, 413);
  t.match(huge.headers['content-type'], 'text/html');
  t.match(textOf(huge.body), 'trop volumineuses');
  const long = await browser.submit(`/e/${event.slug}/register`, `/e/${event.slug}/register`, {
    ...attendee(1),
    firstName: 'a'.repeat(5000),
  });
  t.equal(long.statusCode, 400);
  t.match(textOf(long.body), '100 caractères au maximum');
  const control = await browser.submit(`/e/${event.slug}/register`, `/e/${event.slug}/register`, {
    ...attendee(1),
    lastName: 'Nom\u0007',
  });
  t.equal(control.statusCode, 400);
  t.match(textOf(control.body), 'caractères non autorisés');
  const duplicated = await browser.submit(`/e/${event.slug}/register`, `/e/${event.slug}/register`, {
    ...attendee(2),
    firstName: ['A', 'B'],
  });
  t.equal(duplicated.statusCode, 303, 'a repeated field takes its first value');
});
