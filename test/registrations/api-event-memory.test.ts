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
