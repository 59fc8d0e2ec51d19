import t from 'tap';
import { createApiToken, createOrganiser } from '../../src/organisers/organiser.service.js';
import { Browser, ORGANISER, buildTestApp, csrfFrom, signedInOrganiser, textOf } from '../support/app.js';
import { attendee } from '../support/events.js';

/** Set-up steps that must work for the walk to mean anything (top-level asserts would end the test early). */
function must(ok: boolean, what: string) {
  if (!ok) throw new Error(`set-up failed: ${what}`);
}

// Two organisers, each with their own event: Alice must get 403 on every route of Bob's event.
const { app, orm } = await buildTestApp(t);
const alice = await signedInOrganiser(app);
const aliceToken = await createApiToken(orm.em.fork(), ORGANISER.email, 'alice');
await createOrganiser(orm.em.fork(), { email: 'bob@alisee.fr', password: 'mot-de-passe-de-bob' });
const bobToken = await createApiToken(orm.em.fork(), 'bob@alisee.fr', 'bob');
const bob = new Browser(app);
const login = await bob.submit('/admin/login', '/admin/login', {
  email: 'bob@alisee.fr',
  password: 'mot-de-passe-de-bob',
});
must(login.statusCode === 303, 'Bob signs in');

const api = (token: string) => ({ authorization: `Bearer ${token}` });
const day = new Date(Date.now() + 40 * 86400_000).toISOString().slice(0, 10);
const created = await app.inject({
  method: 'POST',
  url: '/api/v1/events',
  headers: api(bobToken),
  payload: {
    title: 'Événement privé de Bob',
    slug: 'evenement-bob',
    series: 'serie-bob',
    status: 'published',
    capacity: 20,
    startsAt: `${day}T08:00:00Z`,
    endsAt: `${day}T12:00:00Z`,
    sessions: [
      { kind: 'plenary', title: 'Plénière', startsAt: `${day}T08:00:00Z`, endsAt: `${day}T09:00:00Z` },
      { kind: 'breakout', title: 'Groupe B', startsAt: `${day}T09:30:00Z`, endsAt: `${day}T12:00:00Z`, capacity: 10 },
    ],
  },
});
must(created.statusCode === 201, `Bob creates his event through the API: ${created.body}`);
const eventB = created.json();
const person = attendee(1);
const registered = await app.inject({
  method: 'POST',
  url: `/api/v1/events/${eventB.id}/registrations`,
  headers: api(bobToken),
  payload: { ...person, email: 'secret.person@exemple.fr', consent: true },
});
must(registered.statusCode === 201, `someone registers for Bob's event: ${registered.body}`);
const registrationB = registered.json();
const [message] = await orm.em
  .fork()
  .getConnection()
  .execute('select id from outbox_message where event_id = ?', [eventB.id]);

const params: Record<string, string | number> = {
  registrationId: registrationB.id,
  sessionId: eventB.sessions[0].id,
  groupId: eventB.sessions[1].id,
  key: 'firstName',
  sectionId: 's1',
  messageId: message.id,
  memberId: 1,
  tokenId: 1,
  invitationId: 1,
  materialId: 1,
};
function fill(url: string): string {
  if (url.startsWith('/api/v1/registrations/:id')) return url.replace(':id', String(registrationB.id));
  return url.replace(':id', String(eventB.id)).replace(/:(\w+)/g, (_m, name: string) => String(params[name]));
}

const EVENT_SCOPED = /^\/(?:admin|api\/v1)\/events\/:id|^\/api\/v1\/registrations\/:id|^\/admin\/emails\/:messageId/;
const scoped = app.routeTable.filter((route) => EVENT_SCOPED.test(route.url));
const aliceCsrf = csrfFrom((await alice.get('/admin')).body);

async function asAlice(method: string, url: string) {
  if (url.startsWith('/api/')) {
    return app.inject({
      method: method as 'GET',
      url,
      headers: { ...api(aliceToken), ...(method === 'GET' ? {} : { 'content-type': 'application/json' }) },
      ...(method === 'GET' ? {} : { payload: '{}' }),
    });
  }
  return method === 'GET' ? alice.get(url) : alice.post(url, { _csrf: aliceCsrf });
}

t.test("every page, export and API route of another organiser's event answers 403", async (t) => {
  t.ok(scoped.length >= 60, `the walk covers all ${scoped.length} event routes`);
  for (const route of scoped) {
    const url = fill(route.url);
    const response = await asAlice(route.method, url);
    t.equal(response.statusCode, 403, `${route.method} ${route.url}`);
    if (url.startsWith('/api/'))
      t.equal(response.json().error, 'forbidden', `${route.method} ${route.url} says why in JSON`);
    else t.match(textOf(response.body), 'pas accès', `${route.method} ${route.url} says why on the page`);
    t.notMatch(response.body, 'secret.person@exemple.fr', 'and shows nothing of the event');
  }
});

t.test('control: Bob, the owner, passes the same check on every read route', async (t) => {
  for (const route of scoped.filter((r) => r.method === 'GET')) {
    const url = fill(route.url);
    const response = url.startsWith('/api/') ? await app.inject({ url, headers: api(bobToken) }) : await bob.get(url);
    t.not(response.statusCode, 403, `${route.method} ${route.url} (${response.statusCode})`);
    t.ok(response.statusCode < 500, `${route.method} ${route.url} is not a server error`);
  }
});

t.test("lists show only one's own events", async (t) => {
  t.notMatch((await alice.get('/admin')).body, 'Événement privé de Bob', 'the events page');
  t.match((await bob.get('/admin')).body, 'Événement privé de Bob', 'while Bob sees it');
  const events = await app.inject({ url: '/api/v1/events', headers: api(aliceToken) });
  t.same(
    events.json().items.map((e: { id: number }) => e.id),
    [],
    'the API list',
  );
  t.notMatch((await alice.get('/admin/emails')).body, 'secret.person@exemple.fr', 'the outbox');
  t.match((await bob.get('/admin/emails')).body, 'secret.person@exemple.fr', 'while Bob sees his');
  t.equal((await alice.get('/admin/series/serie-bob')).statusCode, 404, 'the series report');
  t.equal((await bob.get('/admin/series/serie-bob')).statusCode, 200);
});

t.test('an unknown event is a 404, not a 403', async (t) => {
  t.equal((await alice.get('/admin/events/9999/registrations')).statusCode, 404);
  t.equal((await app.inject({ url: '/api/v1/events/9999/registrations', headers: api(aliceToken) })).statusCode, 404);
  t.equal(
    (await app.inject({ url: '/api/v1/events/abc', headers: api(aliceToken) })).statusCode,
    400,
    'a malformed id is still a 400',
  );
});

t.test('every form post, public or organiser, is refused without a CSRF token', async (t) => {
  const [row] = await orm.em
    .fork()
    .getConnection()
    .execute('select token from registration where id = ?', [registrationB.id]);
  const publicParams: Record<string, string> = { slug: eventB.slug, token: row.token };
  const posts = app.routeTable.filter((route) => route.method === 'POST' && !route.url.startsWith('/api/'));
  t.ok(posts.length >= 40, `${posts.length} form routes`);
  for (const route of posts) {
    const url = fill(route.url).replace(/:(\w+)/g, (_m, name: string) => publicParams[name] ?? name);
    const response = await bob.post(url, { email: 'bob@alisee.fr' });
    t.equal(response.statusCode, 403, `${route.method} ${route.url}`);
    t.match(textOf(response.body), 'Rechargez la page et renvoyez le formulaire', `${route.url} says why`);
  }
});
