import t from 'tap';
import { createApiToken, createOrganiser } from '../../src/organisers/organiser.service.js';
import { buildTestApp } from '../support/app.js';
import { openEvent } from '../support/events.js';

const { app, orm } = await buildTestApp(t);
await createOrganiser(orm.em.fork(), { email: 'api@alisee.fr', password: 'mot-de-passe-api' });
const token = await createApiToken(orm.em.fork(), 'api@alisee.fr');
const auth = { authorization: `Bearer ${token}` };

const form = {
  builtIns: { organisation: { label: 'Employeur' } },
  sections: [
    {
      title: 'Repas',
      intro: 'Un déjeuner est offert.',
      fields: [
        { key: 'dejeuner', type: 'yesno', label: 'Déjeuner', required: true },
        {
          type: 'multiple',
          label: 'Régime',
          options: [{ label: 'Végétarien' }, { key: 'sg', label: 'Sans gluten' }],
          maxSelections: 2,
          condition: { field: 'dejeuner', values: ['yes'] },
        },
      ],
    },
    {
      title: 'Groupes',
      fields: [
        { key: 'groupes', type: 'group_preference', label: 'Groupes préférés', ranks: 2, required: true },
        { key: 'age', type: 'number', label: 'Âge', min: 16, max: 99 },
      ],
    },
  ],
};

const person = (n: number) => ({
  firstName: 'Léa',
  lastName: `Martin${n}`,
  email: `lea${n}@exemple.fr`,
  organisation: 'CCAS',
  structureType: 'association',
  consent: true,
});

t.test('the form definition is read and written as JSON', async (t) => {
  const event = await openEvent(orm.em.fork());
  const empty = await app.inject({ method: 'GET', url: `/api/v1/events/${event.id}/form`, headers: auth });
  t.equal(empty.statusCode, 200);
  t.same(empty.json(), { builtIns: {}, sections: [] }, 'the built-in fields only');

  const put = await app.inject({ method: 'PUT', url: `/api/v1/events/${event.id}/form`, headers: auth, payload: form });
  t.equal(put.statusCode, 200, put.body);
  const saved = put.json();
  t.same(
    saved.sections[0].fields[1],
    {
      key: 'regime',
      type: 'multiple',
      label: 'Régime',
      required: false,
      options: [
        { key: 'vegetarien', label: 'Végétarien' },
        { key: 'sg', label: 'Sans gluten' },
      ],
      maxSelections: 2,
      condition: { field: 'dejeuner', values: ['yes'] },
    },
    'keys made from labels, settings normalised',
  );
  t.equal(saved.sections[1].id, 'section-2');
  t.same(saved.builtIns, { organisation: { label: 'Employeur' } });
  const read = await app.inject({ method: 'GET', url: `/api/v1/events/${event.id}/form`, headers: auth });
  t.same(read.json(), saved, 'round trip');
  const again = await app.inject({
    method: 'PUT',
    url: `/api/v1/events/${event.id}/form`,
    headers: auth,
    payload: saved,
  });
  t.same(again.json(), saved, 'putting back what was read changes nothing');
});

t.test('a broken definition is a 400 with every reason, and the saved one stays', async (t) => {
  const event = await openEvent(orm.em.fork());
  await app.inject({ method: 'PUT', url: `/api/v1/events/${event.id}/form`, headers: auth, payload: form });
  const cases: [unknown, string, string][] = [
    [
      {
        sections: [
          {
            title: 'x',
            fields: [
              { key: 'a', type: 'text', label: 'A', condition: { field: 'b', values: ['yes'] } },
              { key: 'b', type: 'yesno', label: 'B' },
            ],
          },
        ],
      },
      'sections.0.fields.0.condition',
      'condition_later_field',
    ],
    [
      {
        sections: [
          { title: 'x', fields: [{ key: 'a', type: 'yesno', label: 'A', condition: { field: 'a', values: ['yes'] } }] },
        ],
      },
      'sections.0.fields.0.condition',
      'condition_self',
    ],
    [
      { sections: [{ title: 'x', fields: [{ key: 'a', type: 'choice', label: 'A', options: [] }] }] },
      'sections.0.fields.0.options',
      'options_empty',
    ],
    [
      {
        sections: [
          {
            title: 'x',
            fields: [
              { key: 'a', type: 'text', label: 'A' },
              { key: 'a', type: 'text', label: 'B' },
            ],
          },
        ],
      },
      'sections.0.fields.1.key',
      'duplicate_field_key',
    ],
    [
      { sections: [{ title: 'x', fields: [{ key: 'a', type: 'number', label: 'A', min: 10, max: 1 }] }] },
      'sections.0.fields.0.min',
      'min_above_max',
    ],
    [
      { sections: [{ title: 'x', fields: [{ key: 'dejeuner', type: 'text', label: 'A' }] }] },
      'sections.0.fields.0.type',
      'type_changed',
    ],
    [
      { sections: [{ title: 'x', fields: [{ key: 'a', type: 'signature', label: 'A' }] }] },
      'sections.0.fields.0.type',
      'enum',
    ],
    [
      { sections: [{ title: 'x', fields: [{ key: 'a', type: 'text', label: 'A', colour: 'red' }] }] },
      'sections.0.fields.0.colour',
      'additionalProperties',
    ],
    // JSON has its types: a text where a list is expected is not coerced into a list of one.
    [{ sections: 'none' }, 'sections', 'type'],
  ];
  for (const [payload, field, code] of cases) {
    const res = await app.inject({
      method: 'PUT',
      url: `/api/v1/events/${event.id}/form`,
      headers: auth,
      payload: payload as object,
    });
    t.equal(res.statusCode, 400, code);
    const body = res.json();
    t.equal(body.error, 'validation_failed');
    t.ok(
      body.details.some((d: { field: string; code: string }) => d.field === field && d.code === code),
      `${code} at ${field}: ${JSON.stringify(body.details)}`,
    );
    t.ok(
      body.details.every((d: { message: string }) => d.message && !d.message.startsWith('errors.')),
      'readable messages',
    );
  }
  const later = await app.inject({
    method: 'PUT',
    url: `/api/v1/events/${event.id}/form`,
    headers: auth,
    payload: cases[0][0] as object,
  });
  t.match(later.json().details[0].message, 'La condition de « A » porte sur « B », qui doit être placée avant elle');
  const kept = await app.inject({ method: 'GET', url: `/api/v1/events/${event.id}/form`, headers: auth });
  t.equal(kept.json().sections.length, 2, 'nothing lost');
  t.equal((await app.inject({ method: 'GET', url: '/api/v1/events/99999/form', headers: auth })).statusCode, 404);
  t.equal((await app.inject({ method: 'GET', url: `/api/v1/events/${event.id}/form` })).statusCode, 401);
});

t.test('registrations carry their answers in and out, checked like the public form', async (t) => {
  const event = await openEvent(orm.em.fork());
  await app.inject({ method: 'PUT', url: `/api/v1/events/${event.id}/form`, headers: auth, payload: form });
  const [group1, group2] = event.sessions
    .getItems()
    .filter((s) => s.kind === 'breakout')
    .map((s) => s.id);
  const url = `/api/v1/events/${event.id}/registrations`;

  const created = await app.inject({
    method: 'POST',
    url,
    headers: auth,
    payload: { ...person(1), answers: { dejeuner: true, regime: ['sg'], groupes: [group2, group1], age: 34 } },
  });
  t.equal(created.statusCode, 201, created.body);
  t.same(created.json().answers, { dejeuner: true, regime: ['sg'], groupes: [group2, group1], age: 34 });

  const hidden = await app.inject({
    method: 'POST',
    url,
    headers: auth,
    payload: { ...person(2), answers: { dejeuner: false, regime: ['sg'], groupes: [group1, group2] } },
  });
  t.equal(hidden.statusCode, 201);
  t.same(
    hidden.json().answers,
    { dejeuner: false, groupes: [group1, group2] },
    'the answer to a hidden question is dropped',
  );

  const invalid = await app.inject({
    method: 'POST',
    url,
    headers: auth,
    payload: { ...person(3), answers: { dejeuner: 'peut-être', groupes: [group1, group1], age: 12 } },
  });
  t.equal(invalid.statusCode, 400);
  t.same(
    invalid
      .json()
      .details.map((d: { field: string; code: string }) => `${d.field} ${d.code}`)
      .sort(),
    ['answers.age number_min', 'answers.dejeuner choice', 'answers.groupes.2 group_twice'],
  );
  const missing = await app.inject({ method: 'POST', url, headers: auth, payload: { ...person(3), consent: false } });
  t.same(
    missing
      .json()
      .details.map((d: { field: string }) => d.field)
      .sort(),
    ['answers.dejeuner', 'answers.groupes', 'consent'],
    'required answers',
  );
  const unknown = await app.inject({
    method: 'POST',
    url,
    headers: auth,
    payload: { ...person(3), answers: { dessert: 'oui' } },
  });
  t.equal(unknown.statusCode, 400);
  t.same(unknown.json().details, [
    { field: 'answers.dessert', code: 'unknown_field', message: "Le formulaire n'a pas de question « dessert »." },
  ]);

  const list = await app.inject({ method: 'GET', url, headers: auth });
  t.same(
    list.json().items.map((r: { answers: unknown }) => r.answers),
    [
      { dejeuner: true, regime: ['sg'], groupes: [group2, group1], age: 34 },
      { dejeuner: false, groupes: [group1, group2] },
    ],
  );

  const doc = (await app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json();
  t.ok(doc.paths['/api/v1/events/{id}/form'].put.requestBody, 'described in OpenAPI');
  t.ok(doc.paths['/api/v1/events/{id}/form'].get);
});
