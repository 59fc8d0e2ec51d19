import t from 'tap';
import { createApiToken } from '../../src/organisers/organiser.service.js';
import { keepPublicPagesFor } from '../../src/registrations/event-cache.js';
import { ORGANISER, buildTestApp, signedInOrganiser } from '../support/app.js';
import { attendee, openEvent } from '../support/events.js';

const { app, orm } = await buildTestApp(t);
// The event kept for the whole file, whatever the machine's speed: only this process's writes empty it.
keepPublicPagesFor(orm, 600_000);
await signedInOrganiser(app);
const auth = { authorization: `Bearer ${await createApiToken(orm.em.fork(), ORGANISER.email)}` };
const event = await openEvent(orm.em.fork(), { capacity: 50 });

const register = (n: number, extra: Record<string, unknown> = {}) =>
  app.inject({
    method: 'POST',
    url: `/api/v1/events/${event.id}/registrations`,
    headers: auth,
    payload: { ...attendee(n), consent: true, ...extra },
  });
const patch = (payload: Record<string, unknown>) =>
  app.inject({ method: 'PATCH', url: `/api/v1/events/${event.id}`, headers: auth, payload });

t.test("the API's registration reads the event from memory, and sees each change of it at once", async (t) => {
  const first = await register(1);
  t.equal(first.statusCode, 201, first.body);
  t.equal(first.json().side, 'social', "the type's side, from the event kept in memory");

  t.equal((await patch({ status: 'closed' })).statusCode, 200);
  const closed = await register(2);
  t.equal(closed.statusCode, 409, 'closed at once');
  t.equal(closed.json().error, 'registration_closed');

  t.equal((await patch({ status: 'published' })).statusCode, 200);
  const types = (await app.inject({ url: `/api/v1/events/${event.id}`, headers: auth })).json().structureTypes as {
    key: string;
    side: string;
  }[];
  const moved = types.map((type) => (type.key === 'travailleur-social' ? { ...type, side: 'technique' } : type));
  const changed = await patch({ structureTypes: moved });
  t.equal(changed.statusCode, 200, changed.body);
  const again = await register(3);
  t.equal(again.statusCode, 201, again.body);
  t.equal(again.json().side, 'technique', "the type's new side");

  const unknown = await app.inject({
    method: 'POST',
    url: '/api/v1/events/999999/registrations',
    headers: auth,
    payload: { ...attendee(4), consent: true },
  });
  t.ok(unknown.statusCode === 403 || unknown.statusCode === 404, `no such event: ${unknown.statusCode}`);
});

t.test('reading the event through the API: from memory, each change and each registration shown at once', async (t) => {
  const read = async () => (await app.inject({ url: `/api/v1/events/${event.id}`, headers: auth })).json();
  const before = await read();
  t.equal((await register(10)).statusCode, 201);
  t.equal(
    (await read()).confirmedCount,
    before.confirmedCount + 1,
    'a registration through this process shows in the count at once',
  );
  t.equal((await patch({ title: 'Atelier relu' })).statusCode, 200);
  t.equal((await read()).title, 'Atelier relu', 'a change through this process empties the memory');
  t.equal((await app.inject({ url: '/api/v1/events/999999', headers: auth })).statusCode, 404);
});

t.test('the registrations list: rows with their answers, relations by id, filters and paging', async (t) => {
  const list = async (query: string) =>
    (await app.inject({ url: `/api/v1/events/${event.id}/registrations?${query}`, headers: auth })).json();
  const all = await list('limit=1000');
  t.equal(all.items.length, all.total);
  t.ok(all.total >= 3);
  for (const item of all.items) {
    t.equal(item.eventId, event.id);
    t.same(typeof item.answers, 'object', 'answers as an object, whatever the database stores them as');
    t.ok(item.structureId === null || Number.isInteger(item.structureId));
    t.match(item.createdAt, /^\d{4}-\d\d-\d\dT/);
    t.match(item.manageUrl, /\/r\/[\w-]{20,}$/);
  }
  t.same(
    all.items.map((r: { id: number }) => r.id),
    [...all.items.map((r: { id: number }) => r.id)].sort((a, b) => a - b),
    'oldest first',
  );
  const second = await list('limit=1&offset=1');
  t.equal(second.total, all.total, 'the total counts every page');
  t.same(
    second.items.map((r: { id: number }) => r.id),
    [all.items[1].id],
  );
  const social = await list('structureType=travailleur-social&limit=1000');
  t.ok(social.items.every((r: { structureType: string }) => r.structureType === 'travailleur-social'));
  t.equal(social.total, social.items.length);
});

t.test(
  "another instance's change shows in the API's event read within a second, whatever PUBLIC_CACHE_SECONDS",
  async (t) => {
    const read = async () => (await app.inject({ url: `/api/v1/events/${event.id}`, headers: auth })).json();
    await read();
    // A write this process does not see: what another instance (or the CLI) does to the shared database.
    await orm.em.getConnection().execute('update event set title = ? where id = ?', ['Changé ailleurs', event.id]);
    t.not((await read()).title, 'Changé ailleurs', 'kept in memory meanwhile');
    await new Promise((resolve) => setTimeout(resolve, 1100));
    t.equal(
      (await read()).title,
      'Changé ailleurs',
      'read again after the second, though the pages are kept ten minutes',
    );
  },
);
