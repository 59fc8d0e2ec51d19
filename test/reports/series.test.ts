import t from 'tap';
import { Event } from '../../src/events/event.entity.js';
import { createApiToken, createOrganiser } from '../../src/organisers/organiser.service.js';
import { register } from '../../src/registrations/registration.service.js';
import { NNBSP } from '../../src/reports/percentages.js';
import { buildTestApp, signedInOrganiser, textOf } from '../support/app.js';
import { tableRows } from '../support/report-html.js';
import { attendee, openEvent } from '../support/events.js';

const { app, orm } = await buildTestApp(t);
const organiser = await signedInOrganiser(app);
await createOrganiser(orm.em.fork(), { email: 'api@alisee.fr', password: 'mot-de-passe-api' });
const auth = { authorization: `Bearer ${await createApiToken(orm.em.fork(), 'api@alisee.fr')}` };
const DAY = 24 * 3600_000;

async function edition(
  title: string,
  daysAhead: number,
  counts: Record<string, number>,
  structureTypes?: { key: string; label: string }[],
) {
  const em = orm.em.fork();
  const startsAt = new Date(Date.now() + daysAhead * DAY);
  const event = await openEvent(em, {
    title,
    capacity: null,
    startsAt,
    endsAt: new Date(startsAt.getTime() + 4 * 3600_000),
    sessions: [],
    ...(structureTypes ? { structureTypes } : {}),
  });
  let n = 0;
  for (const [type, count] of Object.entries(counts))
    for (let i = 0; i < count; i++) await register(em, event, attendee(n++, type));
  return event;
}

// Created out of date order; the latest renames "Collectivité" and adds a type.
const e2014 = await edition('Atelier 2014', 20, { 'travailleur-social': 30, association: 20, collectivite: 10 });
const e2013 = await edition('Atelier 2013', 10, {
  'travailleur-social': 27,
  association: 18,
  'bailleur-social': 10,
  collectivite: 9,
  'fournisseur-energie': 2,
  autre: 4,
});
const e2015 = await edition('Atelier 2015', 30, { 'travailleur-social': 10, collectivite: 5, elu: 5 }, [
  { key: 'travailleur-social', label: 'Travailleur social' },
  { key: 'elu', label: 'Élu' },
  { key: 'collectivite', label: 'Collectivité territoriale' },
]);
const oneOff = await edition('Réunion à part', 15, { association: 3 });

t.test('the event form and the API set the series', async (t) => {
  const form = await organiser.get(`/admin/events/${e2013.id}/edit`);
  t.match(form.body, 'name="series"');
  const fields = (series: string) => ({
    title: 'Atelier 2013',
    slug: e2013.slug,
    description: '',
    venue: '',
    address: '',
    timezone: 'Europe/Paris',
    status: 'published',
    startsAt: form.body.match(/name="startsAt" type="datetime-local" value="([^"]+)"/)![1],
    endsAt: form.body.match(/name="endsAt" type="datetime-local" value="([^"]+)"/)![1],
    capacity: '',
    registrationOpensAt: '',
    registrationClosesAt: '',
    series,
  });
  const bad = await organiser.submit(
    `/admin/events/${e2013.id}/edit`,
    `/admin/events/${e2013.id}/edit`,
    fields('Atelier Solidarité'),
  );
  t.equal(bad.statusCode, 400);
  t.match(bad.body, 'id="field-series-error"');
  t.match(textOf(bad.body), 'Série : Lettres minuscules');
  const saved = await organiser.submit(
    `/admin/events/${e2013.id}/edit`,
    `/admin/events/${e2013.id}/edit`,
    fields('atelier-solidarite'),
  );
  t.equal(saved.statusCode, 303);
  t.equal((await orm.em.fork().findOneOrFail(Event, { id: e2013.id })).series, 'atelier-solidarite');
  t.match((await organiser.get(`/admin/events/${e2013.id}/edit`)).body, 'value="atelier-solidarite"');

  for (const event of [e2014, e2015]) {
    const res = await app.inject({
      method: 'PATCH',
      url: `/api/v1/events/${event.id}`,
      headers: auth,
      payload: { series: 'atelier-solidarite' },
    });
    t.equal(res.statusCode, 200);
    t.equal(res.json().series, 'atelier-solidarite');
  }
  const wrong = await app.inject({
    method: 'PATCH',
    url: `/api/v1/events/${oneOff.id}`,
    headers: auth,
    payload: { series: 'Pas Bon' },
  });
  t.equal(wrong.statusCode, 400);
  t.equal(wrong.json().details[0].field, 'series');
  const cleared = await app.inject({
    method: 'PATCH',
    url: `/api/v1/events/${oneOff.id}`,
    headers: auth,
    payload: { series: null },
  });
  t.equal(cleared.json().series, null);
});

t.test('the comparison page puts the editions side by side, oldest first', async (t) => {
  const res = await organiser.get('/admin/series/atelier-solidarite');
  t.equal(res.statusCode, 200);
  const table = /<table[^>]*id="series-table"[\s\S]*?<\/table>/.exec(res.body)![0];
  const heads = [...table.matchAll(/<th scope="colgroup"[^>]*><a href="([^"]+)">([^<]*)<\/a>/g)].map((m) => [
    m[1],
    m[2],
  ]);
  t.same(heads, [
    [`/admin/events/${e2013.id}/report`, 'Atelier 2013'],
    [`/admin/events/${e2014.id}/report`, 'Atelier 2014'],
    [`/admin/events/${e2015.id}/report`, 'Atelier 2015'],
  ]);
  const rows = tableRows(res.body, 'series-table');
  const p = (n: number) => `${n}${NNBSP}%`;
  // The latest edition's types and labels first, then the types only older editions had.
  t.same(
    rows.map((row) => row[0]),
    [
      'Travailleur social',
      'Élu',
      'Collectivité territoriale',
      'Association',
      'Bailleur social',
      "Fournisseur d'énergie",
      'Institution',
      'Autre',
    ],
  );
  t.same(rows[0].slice(1), ['27', p(38), '30', p(50), '10', p(50)]);
  t.same(rows[2].slice(1), ['9', p(13), '10', p(17), '5', p(25)]);
  t.same(rows[1].slice(1), ['0', p(0), '0', p(0), '5', p(25)]);
  const totals = [.../<tfoot>([\s\S]*?)<\/tfoot>/.exec(table)![1].matchAll(/<td class="num">([^<]*)<\/td>/g)].map(
    (m) => m[1],
  );
  t.same(totals, ['70', p(100), '60', p(100), '20', p(100)]);
  t.notMatch(res.body, 'Réunion à part', 'other events are not in the series');
});

t.test('the event report links to its series; unknown series are not found', async (t) => {
  const report = await organiser.get(`/admin/events/${e2014.id}/report`);
  t.match(report.body, 'href="/admin/series/atelier-solidarite"');
  t.notMatch((await organiser.get(`/admin/events/${oneOff.id}/report`)).body, '/admin/series/');
  t.equal((await organiser.get('/admin/series/inconnue')).statusCode, 404);
  t.equal((await organiser.get('/admin/series/Pas%20Bon')).statusCode, 404);
  t.equal((await app.inject({ url: '/admin/series/atelier-solidarite' })).statusCode, 303, 'organisers only');
  const waiting = await organiser.get('/admin/series/atelier-solidarite?status=waitlisted');
  t.match(waiting.body, '<option value="waitlisted" selected>');
  t.match(textOf(waiting.body), 'Total 0 — 0 — 0 —');
});
