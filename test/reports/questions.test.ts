import { parse } from 'csv-parse/sync';
import t from 'tap';
import { saveDefinition } from '../../src/forms/form.service.js';
import type { DefinitionInput } from '../../src/forms/form-rules.js';
import { createApiToken, createOrganiser } from '../../src/organisers/organiser.service.js';
import { register } from '../../src/registrations/registration.service.js';
import { NNBSP } from '../../src/reports/percentages.js';
import { buildTestApp, signedInOrganiser } from '../support/app.js';
import { cellText } from '../support/report-html.js';
import { attendee, openEvent } from '../support/events.js';

const { app, orm } = await buildTestApp(t);
const organiser = await signedInOrganiser(app);
await createOrganiser(orm.em.fork(), { email: 'api@alisee.fr', password: 'mot-de-passe-api' });
const auth = { authorization: `Bearer ${await createApiToken(orm.em.fork(), 'api@alisee.fr')}` };

const form = (withTram = true): DefinitionInput => ({
  sections: [
    {
      title: 'Organisation de la journée',
      fields: [
        { type: 'yesno', key: 'dejeuner', label: 'Déjeunerez-vous sur place ?', required: true },
        {
          type: 'choice',
          key: 'transport',
          label: 'Comment venez-vous ?',
          options: [
            { key: 'voiture', label: 'Voiture' },
            ...(withTram ? [{ key: 'tram', label: 'Tramway' }] : []),
            { key: 'velo', label: 'Vélo' },
          ],
        },
        { type: 'text', key: 'allergies', label: 'Allergies' },
      ],
    },
  ],
});

const em = orm.em.fork();
const event = await openEvent(em, { capacity: 100 });
await saveDefinition(em, event, form());
// "Lunch: 52 yes, 18 no"; transport answered by 60 (30 car, 20 tram, 10 bike), 10 without an answer.
for (let n = 0; n < 70; n++) {
  const transport = n < 30 ? 'voiture' : n < 50 ? 'tram' : n < 60 ? 'velo' : '';
  await register(em, event, {
    ...attendee(n, n % 2 ? 'association' : 'travailleur-social'),
    dejeuner: n < 52 ? 'yes' : 'no',
    transport,
    allergies: n === 0 ? 'Arachides' : '',
  });
}

t.test('the API counts the answers of single-choice and yes/no questions', async (t) => {
  const body = (
    await app.inject({ url: `/api/v1/events/${event.id}/breakdown`, headers: { ...auth, 'accept-language': 'fr' } })
  ).json();
  t.same(
    body.byQuestion.map((q: { key: string }) => q.key),
    ['dejeuner', 'transport'],
    'text questions are not broken down',
  );
  const [lunch, transport] = body.byQuestion;
  t.same(lunch, {
    key: 'dejeuner',
    label: 'Déjeunerez-vous sur place ?',
    type: 'yesno',
    total: 70,
    options: [
      { key: 'yes', label: 'Oui', count: 52, percent: 74 },
      { key: 'no', label: 'Non', count: 18, percent: 26 },
    ],
  });
  t.same(
    transport.options.map((o: { key: string; count: number; percent: number }) => [o.key, o.count, o.percent]),
    [
      ['voiture', 30, 43],
      ['tram', 20, 29],
      ['velo', 10, 14],
      ['', 10, 14],
    ],
    'options in form order, then no answer; percentages add up to 100',
  );
  const waiting = (
    await app.inject({ url: `/api/v1/events/${event.id}/breakdown?status=waitlisted`, headers: auth })
  ).json();
  t.same(
    waiting.byQuestion[0].options.map((o: { count: number }) => o.count),
    [0, 0],
    'the status filter applies',
  );
});

t.test('the report page shows one table per question', async (t) => {
  const res = await organiser.get(`/admin/events/${event.id}/report`);
  const tables = [...res.body.matchAll(/<table class="report-table question-table">([\s\S]*?)<\/table>/g)].map(
    (m) => m[1],
  );
  t.equal(tables.length, 2);
  t.match(
    cellText(tables[0]),
    `Déjeunerez-vous sur place ? Réponse Nombre Part Oui 52 74${NNBSP}% Non 18 26${NNBSP}% Total 70 100${NNBSP}%`,
  );
  t.match(cellText(tables[1]), `Sans réponse 10 14${NNBSP}%`);
});

t.test('an option removed after people chose it is still counted, under its key', async (t) => {
  await saveDefinition(orm.em.fork(), event, form(false));
  const body = (await app.inject({ url: `/api/v1/events/${event.id}/breakdown`, headers: auth })).json();
  t.same(
    body.byQuestion[1].options.map((o: { key: string; label: string; count: number }) => [o.key, o.label, o.count]),
    [
      ['voiture', 'Voiture', 30],
      ['velo', 'Vélo', 10],
      ['tram', 'tram', 20],
      ['', 'Sans réponse', 10],
    ],
  );
  await saveDefinition(orm.em.fork(), event, form());
});

t.test('the CSV has one column per question, answers as people read them', async (t) => {
  const res = await organiser.get(`/admin/events/${event.id}/registrations.csv`);
  const rows: string[][] = parse(res.body, { bom: true, delimiter: ';' });
  const header = rows[0];
  t.same(
    header.slice(-3),
    ['Déjeunerez-vous sur place ?', 'Comment venez-vous ?', 'Allergies'],
    "the form's questions, in its order, with their labels",
  );
  const first = rows.find((row) => row[2] === 'Prénom0')!;
  t.same(first.slice(-3), ['Oui', 'Voiture', 'Arachides']);
  const last = rows.find((row) => row[2] === 'Prénom69')!;
  t.same(last.slice(-3), ['Non', '', '']);
});
