import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { loadConfig } from '../../src/config.js';
import { openDatabase } from '../../src/db/orm.js';
import { createApiToken, createOrganiser } from '../../src/organisers/organiser.service.js';
import { Registration } from '../../src/registrations/registration.entity.js';
import { freshDatabaseUrl } from '../support/app.js';
import { openEvent } from '../support/events.js';
import { startServer } from '../support/server-process.js';

// SIGTERM in the middle of a burst of registrations: the service stops taking connections, finishes
// the requests it has, then closes the database and exits 0. No request in flight is cut off with a 500.
const dataDir = mkdtempSync(join(tmpdir(), 'atelier-shutdown-'));
t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
const databaseUrl = await freshDatabaseUrl(t, dataDir);
const env = { DATA_DIR: dataDir, DATABASE_URL: databaseUrl, SESSION_SECRET: 'the-secret-of-the-instance-that-stops' };

t.test('a SIGTERM under load drains: answered requests are stored, none is a 5xx, exit 0', async (t) => {
  const server = await startServer(env, t);
  const orm = await openDatabase(loadConfig({ ...env, LOG_LEVEL: 'silent' }).database);
  t.teardown(() => orm.close(true));
  await createOrganiser(orm.em.fork(), { email: 'stop@alisee.fr', password: 'mot-de-passe-stop' });
  const token = await createApiToken(orm.em.fork(), 'stop@alisee.fr');
  const event = await openEvent(orm.em.fork(), { capacity: 1000 });
  const exited = once(server.child, 'exit');

  const answered: { status: number; id?: number }[] = [];
  let refused = 0;
  let signalled = false;
  const worker = async (w: number) => {
    for (let i = 0; i < 10; i++) {
      const n = w * 100 + i;
      try {
        const res = await fetch(`${server.url}/api/v1/events/${event.id}/registrations`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({
            firstName: 'Léa',
            lastName: `Arrêt${n}`,
            email: `arret${n}@exemple.fr`,
            organisation: 'CCAS',
            structureType: 'association',
            consent: true,
          }),
        });
        const body = await res.text();
        answered.push({ status: res.status, id: res.status === 201 ? JSON.parse(body).id : undefined });
        if (res.status >= 500) t.fail(`answered ${res.status}: ${body}`);
      } catch {
        refused += 1; // The socket is closed or reset: refused, no promise made.
      }
      if (!signalled && answered.length >= 15) {
        signalled = true;
        server.child.kill('SIGTERM');
      }
    }
  };
  await Promise.all(Array.from({ length: 16 }, (_, w) => worker(w)));
  const [code, signal] = await exited;
  t.ok(signalled, 'SIGTERM was sent during the burst');
  t.equal(code, 0, `the process exits 0 (signal ${signal}): ${server.output().slice(-2000)}`);
  t.same(
    answered.filter((a) => a.status >= 300),
    [],
    `every answer is a 201 (${answered.length} answered, ${refused} refused)`,
  );
  const ids = answered.flatMap((a) => (a.id === undefined ? [] : [a.id]));
  t.equal(await orm.em.fork().count(Registration, { id: { $in: ids } }), ids.length, 'each 201 is stored');
  t.notMatch(server.output(), /DriverException|aborted/, 'no request met a closed database');
});
