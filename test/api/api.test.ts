import t from 'tap';
import { createApiToken, createOrganiser } from '../../src/organisers/organiser.service.js';
import { buildTestApp } from '../support/app.js';

const { app, orm } = await buildTestApp(t);
await createOrganiser(orm.em.fork(), { email: 'api@alisee.fr', password: 'mot-de-passe-api' });
const token = await createApiToken(orm.em.fork(), 'api@alisee.fr');
const auth = { authorization: `Bearer ${token}` };

const nextYear = new Date().getUTCFullYear() + 1;
const at = (time: string) => `${nextYear}-11-15T${time}:00+01:00`;

function workshopBody(slug = 'atelier-2013') {
  return {
    title: 'Atelier de la solidarité',
    slug,
    venue: 'Maison Pour Tous de Monplaisir',
    address: 'Angers',
    timezone: 'Europe/Paris',
    startsAt: at('09:00'),
    endsAt: at('12:30'),
    capacity: 3,
    status: 'published',
    structureTypes: [
      { key: 'travailleur-social', label: 'Travailleur social' },
      { key: 'association', label: 'Association' },
    ],
    sessions: [
      {
        kind: 'plenary',
        title: 'Comment identifier les ménages ?',
        startsAt: at('09:00'),
        endsAt: at('10:30'),
        room: 'Grande salle',
        capacity: 80,
      },
      {
        kind: 'breakout',
        title: 'Groupe 1',
        facilitator: 'Alisée',
        startsAt: at('10:45'),
        endsAt: at('12:30'),
        room: 'Salle 1',
        capacity: 20,
      },
    ],
  };
}

const person = (n: number) => ({
  firstName: 'Léa',
  lastName: `Martin${n}`,
  email: `lea${n}@exemple.fr`,
  organisation: 'CCAS',
  structureType: 'association',
  consent: true,
});

t.test('the API refuses requests without a valid token', async (t) => {
  for (const headers of [{}, { authorization: 'Bearer atl_wrong' }, { authorization: 'Basic abc' }]) {
    const res = await app.inject({ method: 'GET', url: '/api/v1/events', headers });
    t.equal(res.statusCode, 401);
    t.equal(res.json().error, 'unauthorised');
  }
});

t.test('create, read, list and change an event with its programme', async (t) => {
  const created = await app.inject({ method: 'POST', url: '/api/v1/events', headers: auth, payload: workshopBody() });
  t.equal(created.statusCode, 201);
  const event = created.json();
  t.type(event.id, 'number');
  t.equal(event.slug, 'atelier-2013');
  t.equal(event.startsAt, `${nextYear}-11-15T08:00:00.000Z`);
  t.equal(event.sessions.length, 2);
  t.ok(
    event.sessions.every((s: { id: number }) => typeof s.id === 'number'),
    'sessions have ids',
  );
  t.equal(event.publicUrl, 'http://atelier.test/e/atelier-2013');

  const read = await app.inject({ method: 'GET', url: `/api/v1/events/${event.id}`, headers: auth });
  t.same(read.json(), event);
  const list = await app.inject({ method: 'GET', url: '/api/v1/events', headers: auth });
  t.equal(list.json().total, 1);

  const [plenary, group] = event.sessions;
  const patched = await app.inject({
    method: 'PATCH',
    url: `/api/v1/events/${event.id}`,
    headers: auth,
    payload: {
      capacity: 70,
      sessions: [
        { ...plenary, room: 'Auditorium' },
        {
          kind: 'breakout',
          title: 'Groupe 2',
          startsAt: group.startsAt,
          endsAt: group.endsAt,
          room: 'Salle 2',
          capacity: 20,
        },
      ].map(({ topic, facilitator, ...s }) => ({
        ...s,
        ...(topic ? { topic } : {}),
        ...(facilitator ? { facilitator } : {}),
      })),
    },
  });
  t.equal(patched.statusCode, 200, patched.body);
  const after = patched.json();
  t.equal(after.capacity, 70);
  t.same(
    after.sessions.map((s: { title: string }) => s.title),
    ['Comment identifier les ménages ?', 'Groupe 2'],
    'group 1 removed, group 2 added',
  );
  t.equal(after.sessions[0].id, plenary.id, 'the kept session keeps its id');
  t.equal(after.sessions[0].room, 'Auditorium');
});

t.test('bad input is a 4xx with a JSON body, never a 500', async (t) => {
  const cases = [
    { payload: { ...workshopBody('x1'), title: undefined }, field: 'title' },
    { payload: { ...workshopBody('x2'), endsAt: at('08:00') }, field: 'endsAt' },
    { payload: { ...workshopBody('x3'), startsAt: 'demain matin' }, field: 'startsAt' },
    { payload: { ...workshopBody('x4'), timezone: 'Europe/Angers' }, field: 'timezone' },
    { payload: { ...workshopBody('Pas Un Slug') }, field: 'slug' },
    { payload: { ...workshopBody('x5'), capacity: 0 }, field: 'capacity' },
    {
      payload: {
        ...workshopBody('x6'),
        structureTypes: [
          { key: 'a', label: 'A' },
          { key: 'a', label: 'B' },
        ],
      },
      field: 'structureTypes.1.key',
    },
    {
      payload: {
        ...workshopBody('x7'),
        sessions: [{ kind: 'atelier', title: 'x', startsAt: at('09:00'), endsAt: at('10:00') }],
      },
      field: 'sessions.0.kind',
    },
    { payload: { ...workshopBody('x8'), colour: 'red' }, field: 'colour' },
  ];
  for (const { payload, field } of cases) {
    const res = await app.inject({ method: 'POST', url: '/api/v1/events', headers: auth, payload });
    t.equal(res.statusCode, 400, field);
    const body = res.json();
    t.equal(body.error, 'validation_failed');
    t.type(body.message, 'string');
    t.ok(
      body.details.some((d: { field: string }) => d.field.startsWith(field)),
      `details name ${field}: ${JSON.stringify(body.details)}`,
    );
  }
  const malformed = await app.inject({
    method: 'POST',
    url: '/api/v1/events',
    headers: { ...auth, 'content-type': 'application/json' },
    payload: '{"title": ',
  });
  t.equal(malformed.statusCode, 400);
  t.equal(malformed.json().error, 'malformed_body');
  const taken = await app.inject({ method: 'POST', url: '/api/v1/events', headers: auth, payload: workshopBody() });
  t.equal(taken.statusCode, 409);
  t.equal(taken.json().error, 'slug_taken');
  const missing = await app.inject({ method: 'GET', url: '/api/v1/events/99999', headers: auth });
  t.equal(missing.statusCode, 404);
  t.equal(missing.json().error, 'not_found');
  const notNumber = await app.inject({ method: 'GET', url: '/api/v1/events/abc', headers: auth });
  t.equal(notNumber.statusCode, 400);
});

t.test('dates out of range, unknown zones and sessions outside the event are 400 with details', async (t) => {
  const session = (startsAt: string, endsAt: string) => ({ kind: 'plenary', title: 'Plénière', startsAt, endsAt });
  const cases = [
    { payload: { ...workshopBody('y1'), startsAt: '0000-11-15T09:00:00Z' }, field: 'startsAt', code: 'date_range' },
    { payload: { ...workshopBody('y2'), endsAt: '9999-11-15T09:00:00Z' }, field: 'endsAt', code: 'date_range' },
    {
      payload: { ...workshopBody('y3'), sessions: [session(at('09:00'), '9999-11-15T10:00:00Z')] },
      field: 'sessions.0.endsAt',
      code: 'date_range',
    },
    { payload: { ...workshopBody('y4'), timezone: 'Mars/Olympus' }, field: 'timezone', code: 'timezone' },
    {
      payload: { ...workshopBody('y5'), sessions: [session(`${nextYear}-11-14T09:00:00+01:00`, at('10:00'))] },
      field: 'sessions.0.startsAt',
      code: 'session_outside_event',
    },
    {
      payload: { ...workshopBody('y6'), sessions: [session(at('11:00'), `${nextYear}-11-16T10:00:00+01:00`)] },
      field: 'sessions.0.endsAt',
      code: 'session_outside_event',
    },
  ];
  for (const { payload, field, code } of cases) {
    const res = await app.inject({ method: 'POST', url: '/api/v1/events', headers: auth, payload });
    t.equal(res.statusCode, 400, field);
    t.ok(
      res.json().details?.some((d: { field: string; code: string }) => d.field === field && d.code === code),
      `${field} ${code}: ${res.body}`,
    );
  }
  const created = await app.inject({
    method: 'POST',
    url: '/api/v1/events',
    headers: auth,
    payload: { ...workshopBody('y7'), timezone: 'utc' },
  });
  t.equal(created.statusCode, 201);
  t.equal(created.json().timezone, 'UTC', 'an alias is stored by its canonical name');
  for (const [typed, canonical] of [
    ['US/Pacific-New', 'America/Los_Angeles'],
    ['Europe/paris', 'Europe/Paris'],
  ]) {
    const patched = await app.inject({
      method: 'PATCH',
      url: `/api/v1/events/${created.json().id}?notify=false`,
      headers: auth,
      payload: { timezone: typed },
    });
    t.equal(patched.statusCode, 200);
    t.equal(patched.json().timezone, canonical, `${typed} is stored as ${canonical}`);
  }
  const outside = await app.inject({
    method: 'PATCH',
    url: `/api/v1/events/${created.json().id}?notify=false`,
    headers: auth,
    payload: { sessions: [session(`${nextYear}-11-20T09:00:00+01:00`, `${nextYear}-11-20T10:00:00+01:00`)] },
  });
  t.equal(outside.statusCode, 400);
  t.match(outside.json().details, [{ field: 'sessions.0.endsAt', code: 'session_outside_event' }]);
});

t.test('registrations through the API: confirmed, then waitlisted, then listed with pagination', async (t) => {
  const event = (
    await app.inject({ method: 'POST', url: '/api/v1/events', headers: auth, payload: workshopBody('api-reg') })
  ).json();
  const statuses = [];
  for (const n of [1, 2, 3, 4, 5]) {
    const res = await app.inject({
      method: 'POST',
      url: `/api/v1/events/${event.id}/registrations`,
      headers: auth,
      payload: person(n),
    });
    t.equal(res.statusCode, 201);
    const body = res.json();
    t.type(body.id, 'number');
    t.match(body.manageUrl, /^http:\/\/atelier\.test\/r\/[A-Za-z0-9_-]{43}$/);
    statuses.push(body.status);
  }
  t.same(statuses, ['confirmed', 'confirmed', 'confirmed', 'waitlisted', 'waitlisted']);

  const page = await app.inject({
    method: 'GET',
    url: `/api/v1/events/${event.id}/registrations?limit=2&offset=1`,
    headers: auth,
  });
  t.equal(page.statusCode, 200);
  t.equal(page.json().total, 5);
  t.same(
    page.json().items.map((r: { lastName: string }) => r.lastName),
    ['Martin2', 'Martin3'],
  );
  const waitlisted = await app.inject({
    method: 'GET',
    url: `/api/v1/events/${event.id}/registrations?status=waitlisted`,
    headers: auth,
  });
  t.equal(waitlisted.json().total, 2);
  const tooMany = await app.inject({
    method: 'GET',
    url: `/api/v1/events/${event.id}/registrations?limit=5000`,
    headers: auth,
  });
  t.equal(tooMany.statusCode, 400);

  const duplicate = await app.inject({
    method: 'POST',
    url: `/api/v1/events/${event.id}/registrations`,
    headers: auth,
    payload: person(1),
  });
  t.equal(duplicate.statusCode, 409);
  t.equal(duplicate.json().error, 'already_registered');
  const invalid = await app.inject({
    method: 'POST',
    url: `/api/v1/events/${event.id}/registrations`,
    headers: auth,
    payload: { ...person(9), structureType: 'bailleur', consent: false },
  });
  t.equal(invalid.statusCode, 400);
  t.same(
    invalid
      .json()
      .details.map((d: { field: string }) => d.field)
      .sort(),
    ['consent', 'structureType'],
  );
});

t.test('the OpenAPI document describes the API routes', async (t) => {
  const res = await app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
  t.equal(res.statusCode, 200);
  const doc = res.json();
  t.match(doc.openapi, /^3\./);
  for (const path of ['/api/v1/events', '/api/v1/events/{id}', '/api/v1/events/{id}/registrations'])
    t.ok(doc.paths[path], path);
  t.ok(doc.paths['/api/v1/events'].post.requestBody, 'request body schema');
  t.ok(doc.components.schemas.Event, 'shared Event schema');
  t.notOk(
    Object.keys(doc.paths).some((p) => p.startsWith('/admin')),
    'only the API',
  );
});

t.test('health check', async (t) => {
  const res = await app.inject({ method: 'GET', url: '/healthz' });
  t.equal(res.statusCode, 200);
  t.same(res.json(), { status: 'ok', database: process.env.TEST_DATABASE_URL ? 'postgresql' : 'sqlite' });
});
