import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { loadConfig } from '../../src/config.js';
import { openDatabase } from '../../src/db/orm.js';
import { Registration } from '../../src/registrations/registration.entity.js';
import { createOrganiser } from '../../src/organisers/organiser.service.js';
import { freshDatabaseUrl } from '../support/app.js';
import { attendee, openEvent } from '../support/events.js';
import { HttpClient } from '../support/http.js';
import { startServer } from '../support/server-process.js';

// Two instances of the service, in two processes, on one database (the PostgreSQL of
// TEST_DATABASE_URL, or one SQLite file shared by both processes).
const dataDir = mkdtempSync(join(tmpdir(), 'atelier-two-'));
t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
const databaseUrl = await freshDatabaseUrl(t, dataDir);
const env = {
  DATA_DIR: dataDir,
  DATABASE_URL: databaseUrl,
  SESSION_SECRET: 'one-secret-shared-by-every-instance-of-atelier',
};

// Both start at once: the migrations must be applied exactly once.
const [a, b] = await Promise.all([startServer(env, t), startServer(env, t)]);
const orm = await openDatabase(loadConfig({ ...env, LOG_LEVEL: 'silent' }).database);
t.teardown(() => orm.close(true));

t.test('both instances are ready on the same migrated database', async (t) => {
  for (const server of [a, b]) {
    const res = await fetch(`${server.url}/readyz`);
    t.equal(res.status, 200);
    t.equal((await res.json()).database, databaseUrl.startsWith('postgres') ? 'postgresql' : 'sqlite');
  }
});

t.test('registrations through both instances at once never exceed the capacity', async (t) => {
  const event = await openEvent(orm.em.fork(), { capacity: 10 });
  const attempts = Array.from({ length: 40 }, (_, n) => {
    const server = n % 2 ? a : b;
    return new HttpClient().submit(
      `${server.url}/e/${event.slug}/register`,
      `${server.url}/e/${event.slug}/register`,
      attendee(n),
    );
  });
  const responses = await Promise.all(attempts);
  t.same(
    responses.map((r) => r.status).filter((s) => s !== 303),
    [],
    'every registration answered with a redirect',
    { logs: a.output() + b.output() },
  );
  const em = orm.em.fork();
  t.equal(await em.count(Registration, { event: event.id, status: 'confirmed' }), 10, 'exactly the capacity confirmed');
  t.equal(await em.count(Registration, { event: event.id, status: 'waitlisted' }), 30, 'the rest on the waiting list');
  await em.refresh(event);
  t.equal(event.confirmedCount, 10);
});

t.test('an organiser signed in on one instance is signed in on the other', async (t) => {
  await createOrganiser(orm.em.fork(), { email: 'orga@deux-instances.fr', password: 'mot-de-passe-partage' });
  const client = new HttpClient();
  const login = await client.submit(`${a.url}/admin/login`, `${a.url}/admin/login`, {
    email: 'orga@deux-instances.fr',
    password: 'mot-de-passe-partage',
  });
  t.equal(login.status, 303);
  const onB = await client.page(`${b.url}/admin`);
  t.equal(onB.status, 200, 'the session cookie is read by the other instance');
  t.match(onB.html, 'Créer un événement');
  const logout = await client.request(`${b.url}/admin/logout`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: onB.csrf! }).toString(),
  });
  t.equal(logout.status, 303, 'a CSRF token from one instance is accepted by the other');
  t.equal((await client.page(`${a.url}/admin`)).status, 303, 'signed out everywhere');
});

t.test('each confirmation is sent once, whichever instance drains the outbox', async (t) => {
  const event = await openEvent(orm.em.fork(), { capacity: 100 });
  const responses = await Promise.all(
    Array.from({ length: 20 }, (_, n) => {
      const server = n % 2 ? a : b;
      return new HttpClient().submit(
        `${server.url}/e/${event.slug}/register`,
        `${server.url}/e/${event.slug}/register`,
        attendee(1000 + n),
      );
    }),
  );
  t.same(
    responses.map((r) => r.status).filter((s) => s !== 303),
    [],
  );
  // Both workers poll the same outbox; wait (bounded) until every message has been handed over.
  const outbox = join(dataDir, 'outbox');
  const recipientsOf = () =>
    (existsSync(outbox) ? readdirSync(outbox) : [])
      // A worker writes `x.eml.tmp` then renames it: only finished messages are read.
      .filter((file) => file.endsWith('.eml'))
      .map((file) => /^To: (.*)$/m.exec(readFileSync(join(outbox, file), 'utf8'))?.[1] ?? '')
      .filter((to) => to.includes('@exemple.fr') && /personne10\d\d@/.test(to));
  for (let i = 0; i < 120 && recipientsOf().length < 20; i++) await new Promise((resolve) => setTimeout(resolve, 500));
  const recipients = recipientsOf();
  t.equal(recipients.length, 20, 'one email per registration');
  t.equal(new Set(recipients).size, 20, 'nobody got two');
});
