import t from 'tap';
import type { Knex } from '@mikro-orm/sqlite';
import { openDatabase } from '../../src/db/orm.js';
import { Browser, buildTestApp } from '../support/app.js';
import { attendee, openEvent } from '../support/events.js';

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

  // Another process's connection to the same file (the CLI's backup, a second instance).
  const holder = await openDatabase(config.database, { migrate: false });
  const control = await openDatabase(config.database, { migrate: false });
  t.teardown(async () => {
    await holder.close(true);
    await control.close(true);
  });

  t.test("a registration waits for another connection's write lock instead of failing with SQLITE_BUSY", async (t) => {
    const browser = new Browser(app);
    const page = `/e/${event.slug}/register`;
    const form = await browser.get(page);
    t.equal(form.statusCode, 200);

    await knexOf(holder).raw('begin immediate');
    await knexOf(control).raw('pragma busy_timeout = 0');
    await t.rejects(
      knexOf(control).raw('update event set title = title'),
      /SQLITE_BUSY/,
      'control: the lock is real, a writer without a busy timeout fails',
    );

    let answered = false;
    const pending = browser.submit(page, page, attendee(1)).finally(() => {
      answered = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    t.notOk(answered, 'while the lock is held the registration waits (it has not failed)');
    await knexOf(holder).raw('commit');

    const response = await pending;
    t.equal(response.statusCode, 303, 'then it goes through');
    const [row] = await orm.em
      .fork()
      .getConnection()
      .execute('select count(*) as n from registration where event_id = ?', [event.id]);
    t.equal(Number(row.n), 1, 'and is stored');
  });
}
