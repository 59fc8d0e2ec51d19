import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/**
 * A queue that runs at most one of its tasks per turn of the event loop, in the order they came.
 * Each task is started from its own `setImmediate`, queued only after the previous one ran, so the
 * next task waits for the next turn, and that turn's poll phase, first.
 */
export function oneTaskPerTurn() {
  const waiting: (() => void)[] = [];
  let scheduled = false;
  const runNext = () => {
    scheduled = false;
    const task = waiting.shift();
    if (waiting.length) schedule();
    task?.();
  };
  const schedule = () => {
    scheduled = true;
    setImmediate(runNext);
  };
  return {
    push(task: () => void) {
      waiting.push(task);
      if (!scheduled) schedule();
    },
    get length() {
      return waiting.length;
    },
  };
}

/**
 * Requests start one per turn of the event loop, in arrival order.
 *
 * Why: since libuv 1.45 (Node 20) a listening socket accepts one connection per turn of the loop
 * (libuv/libuv#3696). A turn otherwise runs every request that is ready, several milliseconds each
 * for a registration on SQLite's synchronous driver, so under load a turn lasts dozens of requests and
 * a new connection waits seconds to be accepted: a p99 of 3.4 s at 50 connections in `npm run bench`.
 * One start per turn bounds a turn to about one request's work, so a new connection is accepted
 * within a request's time and everyone is served in turn. A lone request waits one turn (microseconds).
 */
async function turns(app: FastifyInstance) {
  const queue = oneTaskPerTurn();
  app.addHook('onRequest', (_request, _reply, done) => queue.push(done));
}

export default fp(turns, { name: 'turns' });
