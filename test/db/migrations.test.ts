import t from 'tap';
import { openDatabase } from '../../src/db/orm.js';
import { buildTestApp, testConfig } from '../support/app.js';

// The committed migrations of this dialect (SQLite, or PostgreSQL under TEST_DATABASE_URL) must
// build exactly the schema the entities describe: the suite runs on both, so both sets stay in step.
const { orm, config } = await buildTestApp(t);

t.test(`migrations for ${config.database.kind} match the entities`, async (t) => {
  t.equal((await orm.getMigrator().getPendingMigrations()).length, 0, 'all applied');
  const diff = await orm.getSchemaGenerator().getUpdateSchemaSQL({ wrap: false });
  t.equal(diff.trim(), '', 'no schema change left to generate');
});

t.test("upgrading a database from before event teams keeps every organiser's access to every event", async (t) => {
  const old = await testConfig(t);
  const db = await openDatabase(old.database, { migrate: false });
  t.teardown(() => db.close(true));
  const migrator = db.getMigrator();
  await migrator.up({ to: 'Migration20261129073241' });
  const sql = db.em.getConnection();
  const now = old.database.kind === 'sqlite' ? Date.now() : new Date();
  await sql.execute(
    'insert into organiser (email, name, password_hash, created_at) values (?, ?, ?, ?), (?, ?, ?, ?)',
    ['a@ccas.fr', 'A', 'x', now, 'b@ccas.fr', 'B', 'x', now],
  );
  await sql.execute(
    `insert into event (slug, title, description, venue, address, timezone, starts_at, ends_at, confirmed_count, status, structure_types, organiser_name, reply_to, sequence, created_at, updated_at)
     values ('ancien', 'Ancien', '', '', '', 'Europe/Paris', ?, ?, 0, 'published', '[]', '', '', 0, ?, ?)`,
    [now, now, now, now],
  );
  await migrator.up();
  const members = await sql.execute('select organiser_id, role from event_member order by organiser_id');
  t.same(
    members.map((m: { role: string }) => m.role),
    ['owner', 'owner'],
    'both organisers own the existing event',
  );
});
