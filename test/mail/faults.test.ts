import type { FastifyInstance } from 'fastify';
import { createServer } from 'node:net';
import t from 'tap';
import { buildApp } from '../../src/app.js';
import { type Orm, openDatabase } from '../../src/db/orm.js';
import { OutboxMessage } from '../../src/mail/outbox.entity.js';
import { resendFailed } from '../../src/mail/outbox.service.js';
import {
  LEASE_MS,
  MAX_ATTEMPTS,
  RETRY_DELAYS_MS,
  createMailTransport,
  drainOutbox,
} from '../../src/mail/outbox.worker.js';
import { Registration } from '../../src/registrations/registration.entity.js';
import { Browser, type TestContext, testConfig } from '../support/app.js';
import { attendee, openEvent } from '../support/events.js';
import { TestSmtpServer, freePort } from '../support/smtp.js';

const MINUTE = 60_000;
const later = (from: Date, ms: number) => new Date(from.getTime() + ms);

/** The service on its own database, sending to `smtpUrl`, with the worker driven by hand. */
async function service(t: TestContext, smtpUrl: string) {
  const config = await testConfig(t, { SMTP_URL: smtpUrl, MAIL_FROM: 'atelier@atelier.test', MAIL_WORKER: 'false' });
  const start = async () => {
    const orm = await openDatabase(config.database);
    const app = await buildApp({ config, orm, logger: false });
    return { app, orm };
  };
  return { config, start };
}

async function registerMany(app: FastifyInstance, slug: string, numbers: number[]) {
  for (const n of numbers) {
    const res = await new Browser(app).submit(`/e/${slug}/register`, `/e/${slug}/register`, attendee(n));
    if (res.statusCode !== 303) throw new Error(`registration ${n}: ${res.statusCode}`);
  }
}

const statuses = async (orm: Orm) =>
  (await orm.em.fork().find(OutboxMessage, {}, { orderBy: { id: 'asc' } })).map((m) => m.status);

/** A test SMTP server and the service sending to it, running on a fresh database with one open event. */
async function runningService(t: TestContext) {
  const smtp = await TestSmtpServer.start();
  t.teardown(() => smtp.stop());
  const { config, start } = await service(t, smtp.url);
  const { app, orm } = await start();
  t.teardown(() => app.close());
  const transport = createMailTransport(config.mail);
  t.teardown(() => transport.close?.());
  const event = await openEvent(orm.em.fork());
  return { smtp, app, orm, transport, event };
}

t.test(
  'the server refuses with 451: registrations go on, the email is retried with backoff, and delivered once the server accepts',
  async (t) => {
    const { smtp, app, orm, transport, event } = await runningService(t);

    smtp.refuseRecipients = { code: 451, message: 'Try again later' };
    await registerMany(app, event.slug, [1]);
    const t0 = new Date();
    t.same(await drainOutbox(orm, transport, t0), { sent: 0, retried: 1, failed: 0 });
    let message = await orm.em.fork().findOneOrFail(OutboxMessage, { recipient: 'personne1@exemple.fr' });
    t.equal(message.status, 'pending');
    t.equal(message.attempts, 1);
    t.match(message.lastError, /451/, 'the refusal is kept for organisers');
    t.equal(message.nextAttemptAt.getTime(), t0.getTime() + RETRY_DELAYS_MS[0], 'next try in 1 minute');

    // Still refusing: registrations keep being accepted and queued.
    await registerMany(app, event.slug, [2, 3]);
    t.equal(await orm.em.fork().count(Registration, { event: event.id }), 3);

    const t1 = later(t0, 30_000);
    t.same(
      await drainOutbox(orm, transport, t1),
      { sent: 0, retried: 2, failed: 0 },
      'before 1 minute only the new ones are tried',
    );
    const t2 = later(t0, MINUTE + 1000);
    t.same(
      await drainOutbox(orm, transport, t2),
      { sent: 0, retried: 1, failed: 0 },
      'the first one again, after its minute',
    );
    message = await orm.em.fork().findOneOrFail(OutboxMessage, { id: message.id });
    t.equal(message.attempts, 2);
    t.equal(message.nextAttemptAt.getTime(), t2.getTime() + RETRY_DELAYS_MS[1], 'then 5 minutes');

    smtp.refuseRecipients = null;
    t.same(
      await drainOutbox(orm, transport, later(t2, 10 * MINUTE)),
      { sent: 3, retried: 0, failed: 0 },
      'delivered once accepted',
    );
    await smtp.waitFor(3);
    for (const n of [1, 2, 3])
      t.equal(smtp.to(`personne${n}@exemple.fr`).length, 1, `personne${n} got exactly one email`);
    t.same(await statuses(orm), ['sent', 'sent', 'sent']);
    t.same(
      await drainOutbox(orm, transport, later(t2, 24 * 60 * MINUTE)),
      { sent: 0, retried: 0, failed: 0 },
      'and never again',
    );
  },
);

t.test('after the retries are spent the email is failed and waits for the organisers', async (t) => {
  const { smtp, app, orm, transport, event } = await runningService(t);
  smtp.refuseRecipients = { code: 421, message: 'Service not available' };
  await registerMany(app, event.slug, [1]);

  let now = new Date();
  const delays: number[] = [];
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const result = await drainOutbox(orm, transport, now);
    const message = await orm.em.fork().findOneOrFail(OutboxMessage, { recipient: 'personne1@exemple.fr' });
    t.equal(message.attempts, attempt);
    if (attempt < MAX_ATTEMPTS) {
      t.same(result, { sent: 0, retried: 1, failed: 0 });
      delays.push(message.nextAttemptAt.getTime() - now.getTime());
      now = message.nextAttemptAt;
    } else {
      t.same(result, { sent: 0, retried: 0, failed: 1 }, `failed after ${MAX_ATTEMPTS} attempts`);
      t.equal(message.status, 'failed');
    }
  }
  t.same(
    delays,
    [MINUTE, 5 * MINUTE, 30 * MINUTE, 120 * MINUTE, 360 * MINUTE],
    'backoff: 1 min, 5 min, 30 min, 2 h, 6 h',
  );
  t.same(
    await drainOutbox(orm, transport, later(now, 48 * 60 * MINUTE)),
    { sent: 0, retried: 0, failed: 0 },
    'a failed email waits for the organisers',
  );
});

t.test(
  'a recipient refused with 550 fails at once (retrying cannot help); resending after a fix delivers it',
  async (t) => {
    const { smtp, app, orm, transport, event } = await runningService(t);
    smtp.refuseRecipients = { code: 550, message: 'No such user' };
    await registerMany(app, event.slug, [1]);
    t.same(await drainOutbox(orm, transport), { sent: 0, retried: 0, failed: 1 });
    const message = await orm.em.fork().findOneOrFail(OutboxMessage, { recipient: 'personne1@exemple.fr' });
    t.equal(message.status, 'failed');
    t.match(message.lastError, /550/);
    smtp.refuseRecipients = null;
    t.same(await drainOutbox(orm, transport), { sent: 0, retried: 0, failed: 0 }, 'not retried by itself');
    t.equal(smtp.received.length, 0);
    t.equal(await resendFailed(orm.em.fork(), { event }), 1, 'the organiser sends it again');
    t.same(await drainOutbox(orm, transport), { sent: 1, retried: 0, failed: 0 });
    await smtp.waitFor(1);
    t.equal(smtp.to('personne1@exemple.fr').length, 1);
  },
);

t.test('the server closes the connection: retried, then delivered', async (t) => {
  // Accepts TCP connections and drops them at once, before any greeting.
  const dropper = createServer((socket) => socket.destroy());
  const port = await new Promise<number>((resolve) =>
    dropper.listen(0, '127.0.0.1', () => resolve((dropper.address() as { port: number }).port)),
  );
  const { config, start } = await service(t, `smtp://127.0.0.1:${port}`);
  const { app, orm } = await start();
  t.teardown(() => app.close());
  const transport = createMailTransport(config.mail);
  t.teardown(() => transport.close?.());
  const event = await openEvent(orm.em.fork());
  await registerMany(app, event.slug, [1, 2]);
  const t0 = new Date();
  t.same(await drainOutbox(orm, transport, t0), { sent: 0, retried: 2, failed: 0 });
  const [first] = await orm.em.fork().find(OutboxMessage, {}, { orderBy: { id: 'asc' } });
  t.ok(first.lastError, `the error is kept: ${first.lastError}`);
  await new Promise((resolve) => dropper.close(resolve));

  const smtp = await TestSmtpServer.start(port);
  t.teardown(() => smtp.stop());
  t.same(await drainOutbox(orm, transport, later(t0, 2 * MINUTE)), { sent: 2, retried: 0, failed: 0 });
  await smtp.waitFor(2);
  t.equal(smtp.to('personne1@exemple.fr').length, 1);
  t.equal(smtp.to('personne2@exemple.fr').length, 1);
});

t.test('the server is down; the service restarts mid-queue; nothing is lost and nothing is sent twice', async (t) => {
  const port = await freePort();
  const { config, start } = await service(t, `smtp://127.0.0.1:${port}`);
  let { app, orm } = await start();
  const event = await openEvent(orm.em.fork());
  await registerMany(app, event.slug, [1, 2, 3, 4]);
  const transport = createMailTransport(config.mail);
  t.teardown(() => transport.close?.());
  const t0 = new Date();
  t.same(
    await drainOutbox(orm, transport, t0),
    { sent: 0, retried: 4, failed: 0 },
    'nothing listening: every email waits',
  );
  t.match(
    (await orm.em.fork().findOneOrFail(OutboxMessage, { recipient: 'personne1@exemple.fr' })).lastError,
    /ECONNREFUSED/,
  );

  // The server comes back: two emails go, then the service stops.
  const smtp = await TestSmtpServer.start(port);
  t.teardown(() => smtp.stop());
  const two = new AbortController();
  let handled = 0;
  const countingTransport = {
    sendMail: async (options: Parameters<typeof transport.sendMail>[0]) => {
      const info = await transport.sendMail(options);
      if (++handled === 2) two.abort();
      return info;
    },
  };
  t.same(
    await drainOutbox(orm, countingTransport, later(t0, 2 * MINUTE), { signal: two.signal }),
    { sent: 2, retried: 0, failed: 0 },
    'stopped after two',
  );
  await registerMany(app, event.slug, [5]);
  await app.close();

  // A new service on the same database takes over the rest.
  ({ app, orm } = await start());
  t.teardown(() => app.close());
  t.same(await statuses(orm), ['sent', 'sent', 'pending', 'pending', 'pending'], 'the queue survived the restart');
  t.same(await drainOutbox(orm, transport, later(t0, 10 * MINUTE)), { sent: 3, retried: 0, failed: 0 });
  await smtp.waitFor(5);
  for (const n of [1, 2, 3, 4, 5]) t.equal(smtp.to(`personne${n}@exemple.fr`).length, 1, `personne${n}: one email`);
  t.equal(smtp.received.length, 5);
});

t.test('a worker that dies while sending: its message is taken over after the lease, once', async (t) => {
  const smtp = await TestSmtpServer.start();
  t.teardown(() => smtp.stop());
  const { config, start } = await service(t, smtp.url);
  const first = await start();
  const event = await openEvent(first.orm.em.fork());
  await registerMany(first.app, event.slug, [1, 2]);

  // The first instance claims a message and dies in the middle of the SMTP exchange: the transport
  // never answers, and the process (here: its database connection) is gone before it could record anything.
  let claimed!: () => void;
  const inTheMiddle = new Promise<void>((resolve) => {
    claimed = resolve;
  });
  const dying = {
    sendMail: () => {
      claimed();
      return new Promise<never>(() => {});
    },
  };
  const t0 = new Date();
  void drainOutbox(first.orm, dying, t0).catch(() => {});
  await inTheMiddle;
  await first.app.close();

  const { app, orm } = await start();
  t.teardown(() => app.close());
  const stuck = await orm.em.fork().findOneOrFail(OutboxMessage, { status: 'sending' });
  t.equal(stuck.attempts, 1, 'the claim counted as an attempt');
  const transport = createMailTransport(config.mail);
  t.teardown(() => transport.close?.());
  t.same(
    await drainOutbox(orm, transport, later(t0, MINUTE)),
    { sent: 1, retried: 0, failed: 0 },
    'the other one goes; the claimed one waits for its lease',
  );
  t.same(
    await drainOutbox(orm, transport, later(t0, LEASE_MS + 1000)),
    { sent: 1, retried: 0, failed: 0 },
    'after the lease it is taken over',
  );
  await smtp.waitFor(2);
  t.equal(smtp.to('personne1@exemple.fr').length, 1);
  t.equal(smtp.to('personne2@exemple.fr').length, 1);
  t.same(await statuses(orm), ['sent', 'sent']);
});

t.test('two workers draining the same queue (two database connections) send each email once', async (t) => {
  const smtp = await TestSmtpServer.start();
  t.teardown(() => smtp.stop());
  const { config, start } = await service(t, smtp.url);
  const { app, orm } = await start();
  t.teardown(() => app.close());
  const event = await openEvent(orm.em.fork(), { capacity: 100 });
  const people = Array.from({ length: 20 }, (_, i) => i + 1);
  await registerMany(app, event.slug, people);
  const other = await openDatabase(config.database, { migrate: false });
  t.teardown(() => other.close());
  const transports = [createMailTransport(config.mail), createMailTransport(config.mail)];
  t.teardown(() => transports.forEach((tr) => tr.close?.()));
  const now = new Date();
  const [a, b] = await Promise.all([
    drainOutbox(orm, transports[0], now, { batch: 5 }),
    drainOutbox(other, transports[1], now, { batch: 5 }),
  ]);
  t.equal(a.sent + b.sent, 20, `all sent once between the two (${a.sent} + ${b.sent})`);
  await smtp.waitFor(20);
  t.equal(smtp.received.length, 20, 'no duplicate');
  t.same(new Set(smtp.received.map((m) => m.to[0])).size, 20, 'every attendee once');
  t.same(
    await statuses(orm),
    people.map(() => 'sent'),
  );
});
