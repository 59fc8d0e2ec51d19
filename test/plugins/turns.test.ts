import fc from 'fast-check';
import t from 'tap';
import { oneTaskPerTurn } from '../../src/plugins/turns.js';
import { buildTestApp } from '../support/app.js';

/** Counts turns of the event loop: one increment per check phase, until stopped. */
function turnCounter() {
  let turn = 0;
  let counting = true;
  const tick = () => {
    turn++;
    if (counting) setImmediate(tick);
  };
  setImmediate(tick);
  return {
    get now() {
      return turn;
    },
    stop() {
      counting = false;
    },
  };
}

t.test('tasks run in the order they came, each in a turn of its own', async (t) => {
  // Some tasks arrive while earlier ones run (a request arriving during another's work).
  await fc.assert(
    fc.asyncProperty(fc.array(fc.boolean(), { minLength: 1, maxLength: 40 }), async (pushedFromTask) => {
      const turns = turnCounter();
      const queue = oneTaskPerTurn();
      const ran: { id: number; turn: number }[] = [];
      let next = 0;
      await new Promise<void>((resolve) => {
        const push = () => {
          const id = next++;
          queue.push(() => {
            ran.push({ id, turn: turns.now });
            if (pushedFromTask[id + 1]) push();
            if (ran.length === pushedFromTask.length) resolve();
          });
        };
        push();
        for (let i = 1; i < pushedFromTask.length; i++) if (!pushedFromTask[i]) push();
      });
      turns.stop();
      for (let i = 1; i < ran.length; i++) if (ran[i].turn <= ran[i - 1].turn) return false;
      return ran.every((r, i) => r.id === i);
    }),
    { numRuns: 50 },
  );
  t.pass('every task ran once, after the one before, in a later turn');
});

t.test('the queue is empty again once its tasks ran', async (t) => {
  const queue = oneTaskPerTurn();
  const done = new Promise<void>((resolve) => {
    queue.push(() => {});
    queue.push(resolve);
  });
  t.equal(queue.length, 2);
  await done;
  t.equal(queue.length, 0);
});

t.test('requests sent together are all answered, started one per turn', async (t) => {
  const { app } = await buildTestApp(t);
  const answers = await Promise.all(Array.from({ length: 20 }, () => app.inject('/healthz')));
  t.same(
    answers.map((a) => a.statusCode),
    Array(20).fill(200),
  );
});
