import fc from 'fast-check';
import Fastify from 'fastify';
import t, { type Test } from 'tap';
import turns, { oneTaskPerTurn } from '../../src/plugins/turns.js';
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

/** A bare Fastify app with the plugin, a hook of its own before it (to play a client that left) and one after. */
async function appWithTurns(t: Test, turnOf: number[]) {
  const app = Fastify();
  t.teardown(() => app.close());
  app.addHook('onRequest', (request, _reply, done) => {
    if (request.headers['x-client-gone']) Object.assign(request.raw.socket, { destroyed: true });
    done();
  });
  await app.register(turns);
  const counter = turnCounter();
  t.teardown(() => counter.stop());
  app.addHook('onRequest', (_request, _reply, done) => {
    turnOf.push(counter.now);
    done();
  });
  let handled = 0;
  app.get('/', async () => ({ handled: ++handled }));
  return { app, handled: () => handled };
}

t.test('requests sent together each start in a turn of their own', async (t) => {
  const started: number[] = [];
  const { app } = await appWithTurns(t, started);
  const answers = await Promise.all(Array.from({ length: 20 }, () => app.inject('/')));
  t.same(
    answers.map((a) => a.statusCode),
    Array(20).fill(200),
  );
  t.equal(started.length, 20);
  t.ok(
    started.every((turn, i) => i === 0 || turn > started[i - 1]),
    `started in turns ${started.join(', ')}`,
  );
});

t.test('a request whose client left while it waited is not started', async (t) => {
  const started: number[] = [];
  const { app, handled } = await appWithTurns(t, started);
  const gone = await app.inject({ url: '/', headers: { 'x-client-gone': '1' } });
  t.equal(gone.statusCode, 499, "nginx's status for a client that closed the request");
  t.equal(handled(), 0, 'the handler never ran');
  t.same(started, [], 'nor the hooks after the queue');
  t.equal((await app.inject('/')).statusCode, 200, 'and the next request is served');
});

t.test('the service starts every request through the queue', async (t) => {
  const { app } = await buildTestApp(t);
  t.ok(app.hasPlugin('turns'));
});
