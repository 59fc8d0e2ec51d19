import t from 'tap';
import { Event } from '../../src/events/event.entity.js';
import { createApiToken } from '../../src/organisers/organiser.service.js';
import { Browser, ORGANISER, buildTestApp, signedInOrganiser, textOf } from '../support/app.js';
import { attendee, openEvent } from '../support/events.js';

const { app, orm } = await buildTestApp(t, { SCHEDULED_JOBS: 'false', MAIL_WORKER: 'false' });
const organiser = await signedInOrganiser(app);
const auth = { authorization: `Bearer ${await createApiToken(orm.em.fork(), ORGANISER.email)}` };
const year = new Date().getUTCFullYear() + 1;

/** The consent checkbox of a registration form page. */
const consentBox = (html: string) => /<input type="checkbox"[^>]*name="consent"[^>]*>/.exec(html)?.[0] ?? '';

t.test(
  "the privacy page says what is kept, why, who sees it, how long and how to use one's rights, in French then English",
  async (t) => {
    const fr = await new Browser(app).get('/privacy');
    t.equal(fr.statusCode, 200);
    const text = textOf(fr.body);
    for (const part of [
      'Données personnelles',
      'Pourquoi',
      'Qui les voit',
      "Les organisateurs de l'événement",
      'Combien de temps',
      "12 mois après l'événement par défaut",
      'anonymisées',
      "droit d'accès",
      'droit de rectification',
      "droit à l'effacement",
      'CNIL',
    ]) {
      t.match(text, part);
    }
    const en = await new Browser(app).get('/privacy?lang=en');
    t.match(textOf(en.body), 'right of access');
    t.match(textOf(en.body), 'The organisers of the event you registered for');
    t.match((await new Browser(app).get('/')).body, 'href="/privacy"', 'every page links to it');
  },
);

t.test("the registration form states purpose, who sees the data and this event's retention, with a link", async (t) => {
  const event = await openEvent(orm.em.fork(), { retentionMonths: 18 });
  const page = await new Browser(app).get(`/e/${event.slug}/register`);
  t.equal(page.statusCode, 200);
  const notice = /<p class="help privacy-notice">([\s\S]*?)<\/p>/.exec(page.body)?.[1] ?? '';
  t.match(textOf(notice), 'servent uniquement à organiser cet événement');
  t.match(textOf(notice), 'seuls ses organisateurs les voient');
  t.match(textOf(notice), "jusqu'à 18 mois après l'événement");
  t.match(notice, 'href="/privacy"');
  const other = await openEvent(orm.em.fork());
  t.match(
    textOf((await new Browser(app).get(`/e/${other.slug}/register?lang=en`)).body),
    'kept up to 12 months after the event',
  );
});

t.test(
  'the consent box is never ticked for the person, and keeps what they ticked when the form comes back',
  async (t) => {
    const event = await openEvent(orm.em.fork());
    const form = `/e/${event.slug}/register`;
    const box = consentBox((await new Browser(app).get(form)).body);
    t.ok(box, 'the page has the consent box');
    t.notMatch(box, 'checked', 'not ticked on a fresh form');

    const { consent: _, ...withoutConsent } = attendee(1);
    const refused = await new Browser(app).submit(form, form, withoutConsent);
    t.equal(refused.statusCode, 400);
    t.match(textOf(refused.body), 'Votre accord est nécessaire pour vous inscrire.');
    t.notMatch(consentBox(refused.body), 'checked', 'still not ticked after an error');

    const incomplete = await new Browser(app).submit(form, form, { ...attendee(2), firstName: '' });
    t.equal(incomplete.statusCode, 400);
    t.match(consentBox(incomplete.body), 'checked', 'what the person ticked stays ticked');
  },
);

t.test('the retention setting on the event pages: 12 months by default, 1 to 120, readable errors', async (t) => {
  const form = await organiser.get('/admin/events/new');
  t.match(form.body, /name="retentionMonths" type="number" value="12"/);
  const fields = {
    title: 'Groupe de travail',
    slug: '',
    timezone: 'Europe/Paris',
    startsAt: `${year}-03-12T14:00`,
    endsAt: `${year}-03-12T16:30`,
    status: 'draft',
  };
  for (const bad of ['0', '121', '1.5', 'douze']) {
    const res = await organiser.submit('/admin/events/new', '/admin/events', { ...fields, retentionMonths: bad });
    t.equal(res.statusCode, 400, bad);
    t.match(textOf(res.body), 'Saisissez un nombre entier de mois, de 1 à 120.', bad);
  }
  const created = await organiser.submit('/admin/events/new', '/admin/events', { ...fields, retentionMonths: '24' });
  t.equal(created.statusCode, 303);
  const eventUrl = String(created.headers.location);
  const id = Number(eventUrl.split('/').pop());
  t.equal((await orm.em.fork().findOneOrFail(Event, { id })).retentionMonths, 24);
  t.match((await organiser.get(`${eventUrl}/edit`)).body, /name="retentionMonths" type="number" value="24"/);
  const { retentionMonths: _, ...withoutIt } = { ...fields, retentionMonths: '' };
  t.equal(
    (await organiser.submit(`${eventUrl}/edit`, `${eventUrl}/edit`, { ...withoutIt, title: 'Renommé' })).statusCode,
    303,
    'a form without the field',
  );
  t.equal((await orm.em.fork().findOneOrFail(Event, { id })).retentionMonths, 24, 'keeps the setting');
});

t.test('the retention setting in the API: optional, present in the response, 400 JSON when out of range', async (t) => {
  const body = {
    title: 'Atelier',
    slug: 'atelier-api-retention',
    startsAt: `${year}-11-15T09:00:00+01:00`,
    endsAt: `${year}-11-15T12:30:00+01:00`,
  };
  const created = await app.inject({ method: 'POST', url: '/api/v1/events', headers: auth, payload: body });
  t.equal(created.statusCode, 201);
  t.equal(created.json().retentionMonths, 12, 'default 12');
  const id = created.json().id;
  for (const bad of [0, 121, 2.5, 'douze']) {
    const res = await app.inject({
      method: 'PATCH',
      url: `/api/v1/events/${id}`,
      headers: auth,
      payload: { retentionMonths: bad },
    });
    t.equal(res.statusCode, 400, String(bad));
    t.equal(res.json().error, 'validation_failed');
    t.match(res.json().details, [{ field: 'retentionMonths' }]);
  }
  const patched = await app.inject({
    method: 'PATCH',
    url: `/api/v1/events/${id}`,
    headers: auth,
    payload: { retentionMonths: 36 },
  });
  t.equal(patched.statusCode, 200);
  t.equal(patched.json().retentionMonths, 36);
  t.equal((await app.inject({ method: 'GET', url: `/api/v1/events/${id}`, headers: auth })).json().retentionMonths, 36);
  const withIt = await app.inject({
    method: 'POST',
    url: '/api/v1/events',
    headers: auth,
    payload: { ...body, slug: 'atelier-api-retention-2', retentionMonths: 6 },
  });
  t.equal(withIt.json().retentionMonths, 6);
});
