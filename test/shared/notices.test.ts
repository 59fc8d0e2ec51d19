import t from 'tap';
import { buildTestApp, signedInOrganiser, textOf } from '../support/app.js';

const { app } = await buildTestApp(t);
const organiser = await signedInOrganiser(app);
const day = `${new Date().getUTCFullYear() + 1}-03-10`;

t.test('a successful save leaves a notice that the next organiser page shows once', async (t) => {
  const created = await organiser.submit('/admin/events/new', '/admin/events', {
    title: 'Groupe de travail',
    timezone: 'Europe/Paris',
    startsAt: `${day}T14:00`,
    endsAt: `${day}T16:00`,
    status: 'draft',
  });
  t.equal(created.statusCode, 303);
  const eventUrl = String(created.headers.location);

  const first = await organiser.get(eventUrl);
  t.match(textOf(first.body), "L'événement est créé.", 'the notice is on the page the save led to');
  t.match(first.body, /<p class="notice notice-done" role="status">/, 'announced to screen readers as a status');

  const again = await organiser.get(eventUrl);
  t.notMatch(textOf(again.body), "L'événement est créé.", 'and only once: a reload does not show it again');

  const edited = await organiser.submit(`${eventUrl}/edit`, `${eventUrl}/edit`, {
    title: 'Groupe de travail (2)',
    timezone: 'Europe/Paris',
    startsAt: `${day}T14:00`,
    endsAt: `${day}T16:00`,
    status: 'draft',
  });
  t.equal(edited.statusCode, 303);
  t.match(textOf((await organiser.get(eventUrl)).body), "Les modifications de l'événement sont enregistrées.");
});

t.test('a refused save shows no notice and keeps the values', async (t) => {
  const refused = await organiser.submit('/admin/events/new', '/admin/events', { title: 'Sans date' });
  t.equal(refused.statusCode, 400);
  t.notMatch(refused.body, 'notice-done');
  t.match(refused.body, 'value="Sans date"');
});

t.test('the notice is in the language of the organiser', async (t) => {
  const created = await organiser.submit('/admin/events/new?lang=en', '/admin/events', {
    title: 'Working group',
    timezone: 'Europe/Paris',
    startsAt: `${day}T14:00`,
    endsAt: `${day}T16:00`,
    status: 'draft',
  });
  t.match(textOf((await organiser.get(String(created.headers.location))).body), 'The event is created.');
  await organiser.get('/admin?lang=fr');
});
