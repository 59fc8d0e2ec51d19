import t from 'tap';
import { Event } from '../../src/events/event.entity.js';
import { Browser, buildTestApp, textOf } from '../support/app.js';
import { openEvent } from '../support/events.js';

const { app, orm } = await buildTestApp(t);
const visitor = new Browser(app);
const em = orm.em.fork();
const DAY = 86_400_000;
const at = (days: number) => new Date(Math.round((Date.now() + days * DAY) / 60_000) * 60_000);

t.test('the public page shows the deadline, the contact and a map link', async (t) => {
  const event = await openEvent(em, {
    slug: 'atelier-contact',
    address: '3 rue de la Paix, 49000 Angers',
    organiserName: 'CCAS Angers',
    replyTo: 'atelier@ccas-angers.fr',
    registrationClosesAt: new Date(Date.UTC(new Date().getUTCFullYear() + 1, 0, 1, 11, 0)),
    startsAt: new Date(Date.UTC(new Date().getUTCFullYear() + 1, 0, 10, 8, 0)),
    endsAt: new Date(Date.UTC(new Date().getUTCFullYear() + 1, 0, 10, 12, 0)),
    sessions: [],
  });
  const page = await visitor.get(`/e/${event.slug}`);
  t.equal(page.statusCode, 200);
  const text = textOf(page.body);
  t.match(text, `Inscriptions jusqu'au 1 janv. ${new Date().getUTCFullYear() + 1}, 12:00.`);
  t.match(text, 'Une question ? Écrivez à CCAS Angers : atelier@ccas-angers.fr');
  t.match(page.body, 'href="mailto:atelier@ccas-angers.fr"');
  t.match(
    page.body,
    'href="https://www.openstreetmap.org/search?query=3%20rue%20de%20la%20Paix%2C%2049000%20Angers"',
    'the address, encoded, in an OpenStreetMap search',
  );
  t.match(text, 'Voir sur le plan (OpenStreetMap)');

  await em.nativeUpdate(
    Event,
    { id: event.id },
    { replyTo: '', organiserName: '', address: '', registrationClosesAt: null },
  );
  const bare = await visitor.get(`/e/${event.slug}`);
  const bareText = textOf(bare.body);
  t.match(
    bareText,
    "Répondez au courriel de confirmation de votre inscription : votre message parvient à l'équipe organisatrice.",
  );
  t.notMatch(bare.body, 'openstreetmap', 'no address, no map link');
  t.notMatch(bareText, 'Inscriptions jusqu');
});

t.test('the home page lists the upcoming events soonest first and leaves past ones out', async (t) => {
  const later = await openEvent(em, { title: 'Dans deux mois', startsAt: at(60), endsAt: at(60.2), sessions: [] });
  const sooner = await openEvent(em, { title: 'Dans une semaine', startsAt: at(7), endsAt: at(7.2), sessions: [] });
  const past = await openEvent(em, {
    title: 'Le mois dernier',
    startsAt: at(-30),
    endsAt: at(-29.8),
    sessions: [],
  });
  const draft = await openEvent(em, {
    title: 'Brouillon',
    status: 'draft',
    startsAt: at(3),
    endsAt: at(3.2),
    sessions: [],
  });
  const home = textOf((await visitor.get('/')).body);
  const soonerAt = home.indexOf(sooner.title);
  t.ok(soonerAt >= 0 && soonerAt < home.indexOf(later.title), 'the sooner one first');
  t.notMatch(home, past.title, 'past events are hidden');
  t.notMatch(home, draft.title);
});

t.test('a favicon is linked from every page and served', async (t) => {
  const home = await visitor.get('/');
  t.match(home.body, '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">');
  const icon = await visitor.get('/static/favicon.svg');
  t.equal(icon.statusCode, 200);
  t.match(icon.headers['content-type'], 'image/svg+xml');
  t.match(icon.body, /^<svg /);
});
