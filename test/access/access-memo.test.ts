import t from 'tap';
import { grantRole, removeMember, teamOf } from '../../src/access/access.service.js';
import { Event } from '../../src/events/event.entity.js';
import { revokeToken, tokensOf } from '../../src/organisers/account.service.js';
import { createApiToken, createOrganiser } from '../../src/organisers/organiser.service.js';
import { Organiser } from '../../src/organisers/organiser.entity.js';
import { buildTestApp } from '../support/app.js';

// Who holds a token and each organiser's role are kept in memory (src/shared/memo.ts): every test
// below first uses the access, so it is remembered, then changes it and expects the very next
// request to see the change.
const { app, orm } = await buildTestApp(t, { MAIL_WORKER: 'false' });
for (const email of ['owner@alisee.fr', 'membre@alisee.fr'])
  await createOrganiser(orm.em.fork(), { email, password: 'un-mot-de-passe-solide' });
const ownerAuth = { authorization: `Bearer ${await createApiToken(orm.em.fork(), 'owner@alisee.fr')}` };
const memberToken = await createApiToken(orm.em.fork(), 'membre@alisee.fr');
const memberAuth = { authorization: `Bearer ${memberToken}` };
const year = new Date().getUTCFullYear() + 1;
const created = await app.inject({
  method: 'POST',
  url: '/api/v1/events',
  headers: ownerAuth,
  payload: {
    title: 'Atelier mémoire',
    slug: 'atelier-memoire',
    startsAt: `${year}-11-15T09:00:00+01:00`,
    endsAt: `${year}-11-15T12:00:00+01:00`,
    capacity: 10,
    status: 'published',
  },
});
const eventId = (created.json() as { id: number }).id;
const get = (headers: Record<string, string>) => app.inject({ url: `/api/v1/events/${eventId}`, headers });

t.test('a team change counts from the very next request', async (t) => {
  t.equal((await get(memberAuth)).statusCode, 403, 'not on the team yet');
  const em = orm.em.fork();
  const event = await em.findOneOrFail(Event, { id: eventId });
  const member = await em.findOneOrFail(Organiser, { email: 'membre@alisee.fr' });
  await grantRole(em, event, member, 'viewer');
  t.equal((await get(memberAuth)).statusCode, 200, 'added: allowed at once');
  const change = { method: 'PATCH' as const, url: `/api/v1/events/${eventId}`, payload: { capacity: 12 } };
  t.equal((await app.inject({ ...change, headers: memberAuth })).statusCode, 403, 'a viewer changes nothing');
  await grantRole(em, event, member, 'organiser');
  t.equal((await app.inject({ ...change, headers: memberAuth })).statusCode, 200, 'promoted: allowed at once');
  const row = (await teamOf(em, event)).find((m) => m.organiser.id === member.id)!;
  await removeMember(em, event, row.id);
  t.equal((await get(memberAuth)).statusCode, 403, 'a removed team member loses access at once');
  t.equal((await get(ownerAuth)).statusCode, 200, 'the others keep theirs');
});

t.test('a revoked token is refused from the very next request', async (t) => {
  t.equal((await app.inject({ url: '/api/v1/events', headers: memberAuth })).statusCode, 200, 'works');
  const em = orm.em.fork();
  const member = await em.findOneOrFail(Organiser, { email: 'membre@alisee.fr' });
  const [token] = await tokensOf(em, member);
  t.ok(await revokeToken(em, member, token.id));
  t.equal((await app.inject({ url: '/api/v1/events', headers: memberAuth })).statusCode, 401, 'refused at once');
  t.equal((await app.inject({ url: '/api/v1/events', headers: ownerAuth })).statusCode, 200, 'other tokens work');
});

t.test("a remembered token holder never writes back an account's older state", async (t) => {
  const em = orm.em.fork();
  const owner = await em.findOneOrFail(Organiser, { email: 'owner@alisee.fr' });
  t.equal((await app.inject({ url: '/api/v1/events', headers: ownerAuth })).statusCode, 200);
  owner.name = 'Nouveau nom';
  await em.flush();
  // Creating an event writes the owner's place in the team, with the request's copy of the account.
  const again = await app.inject({
    method: 'POST',
    url: '/api/v1/events',
    headers: ownerAuth,
    payload: {
      title: 'Atelier suivant',
      slug: 'atelier-suivant',
      startsAt: `${year}-12-15T09:00:00+01:00`,
      endsAt: `${year}-12-15T12:00:00+01:00`,
      capacity: 10,
    },
  });
  t.equal(again.statusCode, 201);
  const fresh = await orm.em.fork().findOneOrFail(Organiser, { id: owner.id });
  t.equal(fresh.name, 'Nouveau nom', 'the change stays');
});
