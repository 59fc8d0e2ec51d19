import t from 'tap';
import { buildTestApp } from '../support/app.js';

// The committed migrations of this dialect (SQLite, or PostgreSQL under TEST_DATABASE_URL) must
// build exactly the schema the entities describe: the suite runs on both, so both sets stay in step.
const { orm, config } = await buildTestApp(t);

t.test(`migrations for ${config.database.kind} match the entities`, async (t) => {
  t.equal((await orm.getMigrator().getPendingMigrations()).length, 0, 'all applied');
  const diff = await orm.getSchemaGenerator().getUpdateSchemaSQL({ wrap: false });
  t.equal(diff.trim(), '', 'no schema change left to generate');
});
