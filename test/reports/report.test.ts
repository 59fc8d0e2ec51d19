import t from 'tap';
import { Event, EventSession } from '../../src/events/event.entity.js';
import { createApiToken, createOrganiser } from '../../src/organisers/organiser.service.js';
import { Registration } from '../../src/registrations/registration.entity.js';
import { cancel, register } from '../../src/registrations/registration.service.js';
import { NNBSP } from '../../src/reports/percentages.js';
import { buildTestApp, signedInOrganiser, textOf } from '../support/app.js';
import { cellText, tableRows } from '../support/report-html.js';
import { attendee, openEvent } from '../support/events.js';

const { app, orm } = await buildTestApp(t);
const organiser = await signedInOrganiser(app);
await createOrganiser(orm.em.fork(), { email: 'api@alisee.fr', password: 'mot-de-passe-api' });
const auth = { authorization: `Bearer ${await createApiToken(orm.em.fork(), 'api@alisee.fr')}` };

// The 2013 workshop: 70 confirmed registrations in these proportions.
const PEOPLE_BY_TYPE: [string, number][] = [
  ['travailleur-social', 27],
  ['association', 18],
  ['bailleur-social', 10],
  ['collectivite', 9],
  ['fournisseur-energie', 2],
  ['autre', 4],
];
// Exact quotas 38.57, 25.71, 14.29, 12.86, 2.86, 5.71 rounded by largest remainder (see percentages.test.ts).
const EXPECTED = [
  ['Travailleur social', 27, 38],
  ['Association', 18, 26],
  ['Bailleur social', 10, 14],
  ['Collectivité', 9, 13],
  ["Fournisseur d'énergie", 2, 3],
  ['Institution', 0, 0],
  ['Autre', 4, 6],
] as const;
const SENTENCE_FR =
  `70 participants, dont 38${NNBSP}% de travailleurs sociaux, 26${NNBSP}% d'associations, 14${NNBSP}% de bailleurs sociaux, ` +
  `13${NNBSP}% de collectivités, 6${NNBSP}% d'autres, 3${NNBSP}% de fournisseurs d'énergie` +
  ` ; soit 66${NNBSP}% d'acteurs sociaux, 26${NNBSP}% techniques, 8${NNBSP}% économiques`;

const em = orm.em.fork();
const event = await openEvent(em, { title: 'Atelier de la solidarité 2013', capacity: 70 });
const [group1, group2] = event.sessions.getItems().filter((s) => s.kind === 'breakout');
let n = 0;
for (const [type, count] of PEOPLE_BY_TYPE)
  for (let i = 0; i < count; i++) await register(em, event, attendee(n++, type));
// Two more once the event is full: both wait, then one cancels.
await register(em, event, attendee(100, 'association'));
const leaving = await register(em, event, attendee(101, 'institution'));
await cancel(em, leaving);
// Groups: alternate confirmed people between the two breakout groups, except the last two (no group yet).
const confirmed = await em.find(Registration, { event: event.id, status: 'confirmed' }, { orderBy: { id: 'asc' } });
confirmed.slice(0, 68).forEach((r, i) => {
  r.group = em.getReference(EventSession, (i % 2 === 0 ? group1 : group2).id);
});
await em.flush();

t.test('the report page reproduces the 2013 proportions from 70 registrations', async (t) => {
  const res = await organiser.get(`/admin/events/${event.id}/report`);
  t.equal(res.statusCode, 200);
  const rows = tableRows(res.body, 'breakdown-table');
  t.same(
    rows,
    EXPECTED.map(([label, count, percent]) => [label, String(count), `${percent}${NNBSP}%`]),
    'counts and French percentages',
  );
  t.same(tableRows(res.body, 'breakdown-table', 'tfoot'), [['Total', '70', `100${NNBSP}%`]]);
  const sentence = /<blockquote class="report-sentence"[^>]*><p>([^<]*)<\/p>/.exec(res.body)![1];
  t.equal(cellText(sentence), SENTENCE_FR, 'the sentence ready to paste');
  t.match(res.body, `href="/admin/events/${event.id}/registrations.csv"`, 'links to the exports');
  t.match(res.body, 'registrations.xlsx');
});

t.test('the SVG chart shows the same numbers as the table beside it', async (t) => {
  const res = await organiser.get(`/admin/events/${event.id}/report`);
  const svg = /<svg[\s\S]*?<\/svg>/.exec(res.body)![0];
  t.match(svg, 'role="img"');
  t.notMatch(svg, /<script/i, 'no script in the chart');
  const bars = [...svg.matchAll(/<rect class="bar"[^>]*data-count="(\d+)" data-percent="(\d+)"/g)].map((m) => [
    Number(m[1]),
    Number(m[2]),
  ]);
  const labels = [...svg.matchAll(/<text class="bar-label"[^>]*>([\s\S]*?)<\/text>/g)].map((m) => cellText(m[1]));
  const values = [...svg.matchAll(/<text class="bar-value"[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
  const table = tableRows(res.body, 'breakdown-table');
  t.equal(bars.length, table.length, 'one bar per table row');
  table.forEach(([label, count, percent], i) => {
    t.equal(labels[i], label, `label ${label}`);
    t.same(bars[i], [Number(count), Number.parseInt(percent, 10)], `bar of ${label}`);
    t.equal(values[i], `${count} (${percent})`, `printed figures of ${label}`);
  });
});

t.test('filters by status, registered versus present, and groups on the page', async (t) => {
  const waiting = await organiser.get(`/admin/events/${event.id}/report?status=waitlisted`);
  t.same(
    tableRows(waiting.body, 'breakdown-table').filter((row) => row[1] !== '0'),
    [['Association', '1', `100${NNBSP}%`]],
  );
  t.match(waiting.body, '<option value="waitlisted" selected>');
  t.match(cellText(waiting.body), `1 personne, dont 100${NNBSP}% d'associations`);
  const cancelled = await organiser.get(`/admin/events/${event.id}/report?status=cancelled`);
  t.same(
    tableRows(cancelled.body, 'breakdown-table').filter((row) => row[1] !== '0'),
    [['Institution', '1', `100${NNBSP}%`]],
  );
  const bogus = await organiser.get(`/admin/events/${event.id}/report?status=<script>`);
  t.equal(bogus.statusCode, 200);
  t.match(bogus.body, '<option value="confirmed" selected>', 'an unknown status falls back to confirmed');

  const compared = tableRows(waiting.body, 'compared-table');
  t.same(compared[0], [
    'Travailleur social',
    '27',
    `38${NNBSP}%`,
    '0',
    `0${NNBSP}%`,
    '0',
    `0${NNBSP}%`,
    '0',
    `0${NNBSP}%`,
  ]);
  t.same(compared[1].slice(0, 7), ['Association', '18', `26${NNBSP}%`, '0', `0${NNBSP}%`, '1', `100${NNBSP}%`]);

  const page = (await organiser.get(`/admin/events/${event.id}/report`)).body;
  t.same(
    tableRows(page, 'groups-table', 'thead'),
    [['Type de structure', 'Groupe 1', 'Groupe 2', 'Sans groupe']],
    'one column per group',
  );
  t.same(
    tableRows(page, 'groups-table', 'tfoot'),
    [
      ['Total', '34', '34', '2'],
      ['Présents', '0', '0', '0'],
    ],
    'groups: totals and present',
  );
  t.same(
    tableRows(page, 'groups-table')[0],
    ['Travailleur social', `14 (41${NNBSP}%)`, `13 (38${NNBSP}%)`, `0 (0${NNBSP}%)`],
    'group 1: 14 social workers out of 34',
  );
});

t.test('the report in English', async (t) => {
  const res = await organiser.get(`/admin/events/${event.id}/report?lang=en`);
  t.same(tableRows(res.body, 'breakdown-table')[0], ['Travailleur social', '27', '38%']);
  t.match(
    textOf(res.body),
    "70 participants: Travailleur social 38%, Association 26%, Bailleur social 14%, Collectivité 13%, Autre 6%, Fournisseur d'énergie 3%",
  );
  await organiser.get('/admin?lang=fr');
});

t.test('the API breakdown has the same figures', async (t) => {
  const res = await app.inject({ url: `/api/v1/events/${event.id}/breakdown`, headers: auth });
  t.equal(res.statusCode, 200);
  const body = res.json();
  t.equal(body.status, 'confirmed');
  t.equal(body.total, 70);
  t.same(
    body.byStructureType.map((r: { label: string; count: number; percent: number }) => [r.label, r.count, r.percent]),
    EXPECTED,
  );
  t.same(body.byStructureType[0], { key: 'travailleur-social', label: 'Travailleur social', count: 27, percent: 38 });
  t.same(body.byStatus, { confirmed: 70, waitlisted: 1, cancelled: 1 });
  t.same(body.present.total, 0);
  t.same(
    body.byGroup.map((g: { groupId: number | null; total: number }) => [g.groupId, g.total]),
    [
      [group1.id, 34],
      [group2.id, 34],
      [null, 2],
    ],
  );
  t.equal(body.sentence, SENTENCE_FR);
  t.same(body.byQuestion, []);

  const waiting = (
    await app.inject({ url: `/api/v1/events/${event.id}/breakdown?status=waitlisted`, headers: auth })
  ).json();
  t.equal(waiting.total, 1);
  t.equal(waiting.byStructureType.find((r: { key: string }) => r.key === 'association').percent, 100);
  const all = (await app.inject({ url: `/api/v1/events/${event.id}/breakdown?status=all`, headers: auth })).json();
  t.equal(all.total, 72);
  t.equal(
    all.byStructureType.reduce((sum: number, r: { percent: number }) => sum + r.percent, 0),
    100,
  );

  const bad = await app.inject({ url: `/api/v1/events/${event.id}/breakdown?status=nope`, headers: auth });
  t.equal(bad.statusCode, 400);
  t.equal(bad.json().error, 'validation_failed');
  t.equal((await app.inject({ url: `/api/v1/events/999999/breakdown`, headers: auth })).statusCode, 404);
  t.equal((await app.inject({ url: `/api/v1/events/${event.id}/breakdown` })).statusCode, 401);
  const openapi = (await app.inject({ url: '/api/v1/openapi.json' })).json();
  t.ok(openapi.paths['/api/v1/events/{id}/breakdown'], 'documented in OpenAPI');
});

t.test('an event with no registration reports zeros, not errors', async (t) => {
  const empty = await openEvent(orm.em.fork(), { sessions: [] });
  const res = await organiser.get(`/admin/events/${empty.id}/report`);
  t.equal(res.statusCode, 200);
  t.match(textOf(res.body), '0 participant');
  t.match(res.body, 'Aucun groupe de travail');
  const api = (await app.inject({ url: `/api/v1/events/${empty.id}/breakdown`, headers: auth })).json();
  t.equal(api.total, 0);
  t.ok(api.byStructureType.every((r: { percent: number }) => r.percent === 0));
});

t.test('organisers only', async (t) => {
  const res = await app.inject({ url: `/admin/events/${event.id}/report` });
  t.equal(res.statusCode, 303);
  t.match(String(res.headers.location), '/admin/login');
  t.equal((await organiser.get('/admin/events/999999/report')).statusCode, 404);
  t.ok(await orm.em.fork().findOne(Event, { id: event.id }));
});
