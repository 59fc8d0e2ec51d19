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
 * (libuv/libuv#3696). A turn otherwise starts every request that is ready, and on SQLite's
 * synchronous driver a registration is several milliseconds of work done at once, so under load a
 * turn lasted dozens of requests and a new connection waited seconds to be accepted: a p99 of 3.4 s
 * at 50 connections in `npm run bench`. Starting one per turn keeps a turn's synchronous start to
 * one request, so new connections are accepted within about a request's time and everyone is served
 * in turn. (Work that resumes after real I/O, PostgreSQL's answers for instance, is not held back.)
 * A lone request waits one turn: microseconds.
 */
async function turns(app: FastifyInstance) {
  const queue = oneTaskPerTurn();
  app.addHook('onRequest', (request, reply, done) =>
    queue.push(() => {
      // The client left while waiting (a timeout under load): its request is not started, so a
      // registration nobody will see the answer to is not written. 499 is nginx's "client closed request", for the log.
      if (request.raw.socket?.destroyed) reply.code(CLIENT_CLOSED_REQUEST).send();
      else done();
    }),
  );
}

const CLIENT_CLOSED_REQUEST = 499;

export default fp(turns, { name: 'turns' });
