import t from 'tap';
import { createApiToken, createOrganiser } from '../../src/organisers/organiser.service.js';
import { Registration } from '../../src/registrations/registration.entity.js';
import { register } from '../../src/registrations/registration.service.js';
import { type TestContext, buildTestApp } from '../support/app.js';
import { attendee, openEvent } from '../support/events.js';
import { useNaiveSeats } from '../support/naive-seats.js';

// Organisers (or their tools through the API) move people into a breakout group at the same
// moment, through real HTTP on a listening server, for its last places. The same race with the
// group's lock swapped for a naive count (test/support/naive-seats.ts) must show the overbooking.
async function race(t: TestContext) {
  const { app, orm } = await buildTestApp(t);
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  await createOrganiser(orm.em.fork(), { email: 'groupes@course.fr', password: 'mot-de-passe-groupes' });
  const token = await createApiToken(orm.em.fork(), 'groupes@course.fr');
  const event = await openEvent(orm.em.fork(), { capacity: 40 });
  const group = event.sessions.getItems().find((s) => s.kind === 'breakout' && s.capacity === 5)!;
  const people = [];
  for (let n = 0; n < 20; n++) people.push(await register(orm.em.fork(), event, attendee(n)));
  const responses = await Promise.all(
    people.map((person) =>
      fetch(`${url}/api/v1/registrations/${person.id}/group`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ groupId: group.id }),
      }),
    ),
  );
  const statuses = responses.map((r) => r.status);
  return {
    moved: statuses.filter((s) => s === 200).length,
    refusedFull: statuses.filter((s) => s === 409).length,
    members: await orm.em.fork().count(Registration, { event: event.id, group: group.id }),
  };
}

t.test('20 moves at once into a group of 5: exactly 5 members, the others told it is full', async (t) => {
  t.same(await race(t), { moved: 5, refusedFull: 15, members: 5 });
});

t.test('control: without the group lock the same race overfills the group', async (t) => {
  useNaiveSeats(t);
  const result = await race(t);
  t.ok(result.members > 5, `the naive count let ${result.members} into a group of 5`);
});
