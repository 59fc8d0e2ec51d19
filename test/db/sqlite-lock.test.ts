import { spawn } from 'node:child_process';
import { once } from 'node:events';
import t from 'tap';
import type { Knex } from '@mikro-orm/better-sqlite';
import { openDatabase } from '../../src/db/orm.js';
import { Browser, buildTestApp } from '../support/app.js';
import { attendee, openEvent } from '../support/events.js';

// Another process takes the write lock of the same file (the CLI, a second instance), holds it while
// the service registers someone, then commits.
const HOLDER = `
const Database = require('better-sqlite3');
const db = new Database(process.argv[1]);
db.exec('begin immediate');
process.stdout.write('locked\\n');
process.stdin.once('data', () => {
  setTimeout(() => { db.exec('commit'); db.close(); process.exit(0); }, 300);
});
`;

if (process.env.TEST_DATABASE_URL) {
  t.test(
    "a registration waits for another connection's write lock",
    { skip: 'SQLite only: PostgreSQL writers queue on row locks, with no busy timeout to set' },
    () => {},
  );
} else {
  const { app, orm, config } = await buildTestApp(t);
  const event = await openEvent(orm.em.fork(), { capacity: 50 });
  const knexOf = (o: typeof orm) => (o.em.getConnection() as unknown as { getKnex(): Knex }).getKnex();
  const control = await openDatabase(config.database, { migrate: false });
  t.teardown(() => control.close(true));

  t.test("a registration waits for another process's write lock instead of failing with SQLITE_BUSY", async (t) => {
    const browser = new Browser(app);
    const page = `/e/${event.slug}/register`;
    const form = await browser.get(page);
    t.equal(form.statusCode, 200);

    const holder = spawn(process.execPath, ['-e', HOLDER, config.database.url], { stdio: ['pipe', 'pipe', 'inherit'] });
    t.teardown(() => holder.kill());
    await once(holder.stdout!, 'data');

    await knexOf(control).raw('pragma busy_timeout = 0');
    await t.rejects(
      knexOf(control).raw('update event set title = title'),
      { code: 'SQLITE_BUSY' },
      'control: the lock is real, a writer without a busy timeout fails',
    );

    // The holder commits 300 ms after this; the registration meanwhile waits on the lock.
    holder.stdin!.write('go\n');
    const response = await browser.submit(page, page, attendee(1));
    t.equal(response.statusCode, 303, 'the registration goes through once the lock is released');
    t.equal(holder.exitCode ?? (await once(holder, 'exit'))[0], 0, 'the other process committed');
    const [row] = await orm.em
      .fork()
      .getConnection()
      .execute('select count(*) as n from registration where event_id = ?', [event.id]);
    t.equal(Number(row.n), 1, 'and is stored');
  });
}
