import t from 'tap';
import { Registration } from '../../src/registrations/registration.entity.js';
import { type TestContext, buildTestApp } from '../support/app.js';
import { attendee, openEvent } from '../support/events.js';
import { HttpClient } from '../support/http.js';
import { useNaiveSeats } from '../support/naive-seats.js';

// Many people submit the form at the same moment for the last seats, through real HTTP on a
// listening server. The same test with the seat claim swapped for a naive check-then-insert
// (test/support/naive-seats.ts) must show the overbooking: proof the test can see it.
async function race(t: TestContext) {
  const { app, orm } = await buildTestApp(t);
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  const event = await openEvent(orm.em.fork(), { capacity: 10 });
  const responses = await Promise.all(
    Array.from({ length: 60 }, (_, n) =>
      new HttpClient().submit(`${url}/e/${event.slug}/register`, `${url}/e/${event.slug}/register`, attendee(n)),
    ),
  );
  const em = orm.em.fork();
  return {
    answered: responses.filter((r) => r.status === 303).length,
    confirmed: await em.count(Registration, { event: event.id, status: 'confirmed' }),
    waitlisted: await em.count(Registration, { event: event.id, status: 'waitlisted' }),
  };
}

t.test('60 people at once for 10 seats: exactly 10 confirmed, 50 on the waiting list', async (t) => {
  const result = await race(t);
  t.same(result, { answered: 60, confirmed: 10, waitlisted: 50 });
});

t.test('control: without the atomic seat claim the same race overbooks', async (t) => {
  useNaiveSeats(t);
  const result = await race(t);
  t.equal(result.answered, 60);
  t.ok(result.confirmed > 10, `the naive check confirmed ${result.confirmed} for 10 seats`);
});
