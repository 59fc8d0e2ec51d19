import { Registration } from '../../src/registrations/registration.entity.js';
import { type SeatStrategy, groupMembers, setSeatStrategy, takeSeatEvenIfFull } from '../../src/seats/seats.js';
import type { TestContext } from './app.js';

// Between the naive count and its write, each request waits for the race's other requests to count
// too: all are released together once no new count has started for 100 ms (3 s at most). The overlap
// the controls need then does not depend on how fast this machine accepts and serves the requests
// (with the synchronous SQLite driver a request's queries take microseconds, and a saturated Node
// accepts a race's new connections one by one, so they arrive spread out).
let counted: (() => void)[] = [];
let quiet: NodeJS.Timeout | undefined;
function releaseCounted() {
  const waiting = counted;
  counted = [];
  for (const resume of waiting) resume();
}
const nextTurn = () =>
  new Promise<void>((resolve) => {
    counted.push(resolve);
    clearTimeout(quiet);
    quiet = setTimeout(releaseCounted, 100);
    setTimeout(resolve, 3000);
  });

/**
 * The naive check-then-write that the race tests must catch: the seats and the group's members are
 * counted before the write's transaction, on a connection of their own and without any lock, so
 * parallel requests all see the same free place. Never in src/: the race tests' controls put it in
 * place of the real claims (src/seats/seats.ts) to prove they would see an overbooking.
 */
export const naiveSeats: SeatStrategy = {
  async seat(em, event) {
    const confirmed = await em.fork().count(Registration, { event: event.id, status: 'confirmed' });
    await nextTurn();
    const free = event.capacity === null || confirmed < event.capacity;
    return async (tx) => {
      if (free) await takeSeatEvenIfFull(tx, event.id);
      return free;
    };
  },
  async groupPlace(em, eventId, groupId) {
    const members = await groupMembers(em.fork(), eventId, groupId);
    await nextTurn();
    return async (_tx, group) => members < group.capacity;
  },
};

/** The naive claims in this test process until the test ends (the app under test runs in it, on a real port). */
export function useNaiveSeats(t: TestContext): void {
  t.teardown(setSeatStrategy(naiveSeats));
}
