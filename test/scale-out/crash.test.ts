import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { loadConfig } from '../../src/config.js';
import { openDatabase } from '../../src/db/orm.js';
import { Event } from '../../src/events/event.entity.js';
import { Registration } from '../../src/registrations/registration.entity.js';
import { freshDatabaseUrl } from '../support/app.js';
import { attendee, openEvent } from '../support/events.js';
import { HttpClient } from '../support/http.js';
import { startServer } from '../support/server-process.js';

// The service process is killed (SIGKILL: no shutdown, no flush) in the middle of a burst of
// registrations, then started again on the same database (SQLite file, or the PostgreSQL of
// TEST_DATABASE_URL): every registration that was answered with a success is there.
const dataDir = mkdtempSync(join(tmpdir(), 'atelier-crash-'));
t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
const databaseUrl = await freshDatabaseUrl(t, dataDir);
const env = { DATA_DIR: dataDir, DATABASE_URL: databaseUrl, SESSION_SECRET: 'the-secret-of-the-instance-that-crashes' };

t.test('registrations answered before a kill -9 are all in the database after the restart', async (t) => {
  const first = await startServer(env, t);
  const orm = await openDatabase(loadConfig({ ...env, LOG_LEVEL: 'silent' }).database);
  t.teardown(() => orm.close(true));
  const event = await openEvent(orm.em.fork(), { capacity: 30 });

  const answered: string[] = [];
  let killed = false;
  const attempts = Array.from({ length: 80 }, async (_, n) => {
    try {
      const res = await new HttpClient().submit(
        `${first.url}/e/${event.slug}/register`,
        `${first.url}/e/${event.slug}/register`,
        attendee(n),
      );
      if (res.status === 303) answered.push(res.headers.get('location')!.split('?')[0].replace('/r/', ''));
    } catch {
      // Cut off by the kill: no answer, so no promise was made.
    }
    if (!killed && answered.length >= 10) {
      killed = true;
      first.child.kill('SIGKILL');
    }
  });
  await Promise.all(attempts);
  t.ok(killed, 'the process was killed during the burst');
  t.ok(answered.length >= 10 && answered.length < 80, `${answered.length} of 80 answered before the kill`);

  const second = await startServer(env, t);
  const em = orm.em.fork();
  const stored = await em.find(Registration, { token: { $in: answered } });
  t.equal(stored.length, answered.length, 'every registration answered with a success is stored');
  const client = new HttpClient();
  for (const token of answered.slice(0, 5))
    t.equal(
      (await client.request(`${second.url}/r/${token}`)).status,
      200,
      'and its private page answers after the restart',
    );
  // The seat counter and the stored registrations agree: no seat taken by a half-done registration.
  const reloaded = await em.findOneOrFail(Event, { id: event.id });
  t.equal(reloaded.confirmedCount, await em.count(Registration, { event: event.id, status: 'confirmed' }));
  const after = await new HttpClient().submit(
    `${second.url}/e/${event.slug}/register`,
    `${second.url}/e/${event.slug}/register`,
    attendee(500),
  );
  t.equal(after.status, 303, 'the restarted service takes registrations');
  await second.stop();
});
