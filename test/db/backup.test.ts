import { join } from 'node:path';
import t from 'tap';
import { backupDatabase } from '../../src/db/backup.js';
import { openDatabase } from '../../src/db/orm.js';
import { Registration } from '../../src/registrations/registration.entity.js';
import { register } from '../../src/registrations/registration.service.js';
import { buildTestApp } from '../support/app.js';
import { attendee, openEvent } from '../support/events.js';

const { orm, config, dataDir } = await buildTestApp(t);

t.test(
  'a backup taken while registrations are written is a consistent, complete copy',
  { skip: config.database.kind !== 'sqlite' && 'SQLite only (PostgreSQL: pg_dump)' },
  async (t) => {
    const event = await openEvent(orm.em.fork(), { capacity: null });
    for (let n = 0; n < 5; n++) await register(orm.em.fork(), event, attendee(n));
    // Registrations keep arriving while the copy is made.
    const during = Promise.all(Array.from({ length: 10 }, (_, n) => register(orm.em.fork(), event, attendee(100 + n))));
    const target = join(dataDir, 'copie.sqlite');
    await backupDatabase(orm, config.database, target);
    await during;
    const copy = await openDatabase({ kind: 'sqlite', url: target }, { migrate: false });
    t.teardown(() => copy.close(true));
    const copied = await copy.em.fork().count(Registration, { event: event.id });
    t.ok(copied >= 5 && copied <= 15, `the copy holds a consistent state (${copied} registrations)`);
    t.equal((await copy.getMigrator().getPendingMigrations()).length, 0, 'with its schema');
    await t.rejects(backupDatabase(orm, config.database, target), /already exists/, 'never overwrites a file');
  },
);
