import { connect } from 'node:net';
import t from 'tap';
import { loadConfig } from '../../src/config.js';
import { buildTestApp } from '../support/app.js';

// A body trickled one byte at a time used to keep its connection open for as long as the client liked.
// With a short REQUEST_TIMEOUT_SECONDS the server closes it (408 where Node can), over a real socket.
const SECRET = 'a-session-secret-of-at-least-32-characters';
const { app } = await buildTestApp(t, { REQUEST_TIMEOUT_SECONDS: '1' });
await app.listen({ port: 0, host: '127.0.0.1' });
const { port } = app.server.address() as { port: number };

t.test('a trickled body gets a 408 and a closed connection, not an open socket for ever', async (t) => {
  const socket = connect(port, '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  const body = 'x'.repeat(200);
  socket.write(
    `POST /admin/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n`,
  );
  let sent = 0;
  const trickle = setInterval(() => {
    if (!socket.destroyed && sent < body.length) socket.write(body[sent++]);
  }, 200);
  let received = '';
  socket.on('data', (chunk) => {
    received += chunk.toString();
  });
  // Generous bound: the server closes after about 1 s; without a timeout it waits as long as the trickle.
  const outcome = await Promise.race([
    new Promise<'closed'>((resolve) => socket.once('close', () => resolve('closed'))),
    new Promise<'still open'>((resolve) => setTimeout(() => resolve('still open'), 15_000)),
  ]);
  clearInterval(trickle);
  socket.destroy();
  t.equal(outcome, 'closed', 'the server closed the connection');
  t.ok(sent < body.length, `before the body was complete (${sent} of ${body.length} bytes)`);
  // Node answers 408 when it can; once the body is being read it may only close the socket.
  t.ok(received === '' || received.startsWith('HTTP/1.1 408'), `nothing but a 408 was answered: ${received}`);
});

t.test('the timeouts are configurable and default to 30 s and 60 s', async (t) => {
  t.same(loadConfig({ DATA_DIR: t.testdir(), SESSION_SECRET: SECRET }).timeouts, {
    requestSeconds: 30,
    connectionSeconds: 60,
  });
  t.same(app.server.requestTimeout, 1000);
  for (const bad of ['0', '-1', 'soon', '1.5'])
    t.throws(
      () => loadConfig({ DATA_DIR: t.testdir(), SESSION_SECRET: SECRET, REQUEST_TIMEOUT_SECONDS: bad }),
      /REQUEST_TIMEOUT_SECONDS/,
    );
});
