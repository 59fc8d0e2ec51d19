import { MikroORM, type Options } from '@mikro-orm/core';
import { Migrator } from '@mikro-orm/migrations';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import { SqliteDriver } from '@mikro-orm/sqlite';
import { fileURLToPath } from 'node:url';
import type { Config } from '../config.js';
import { entities } from './entities.js';

export type Orm = MikroORM;

const migrationsRoot = fileURLToPath(new URL('../../migrations/', import.meta.url));

// Run on every new SQLite connection: WAL lets readers work while one writer writes, the busy
// timeout makes a writer wait for another process's lock instead of failing with SQLITE_BUSY,
// synchronous=NORMAL is durable in WAL mode up to the last committed transaction on power loss.
const SQLITE_PRAGMAS = 'pragma journal_mode = WAL; pragma busy_timeout = 10000; pragma synchronous = NORMAL; pragma foreign_keys = ON;';

export function ormOptions(database: Config['database'], debug = false): Options {
  const common: Options = {
    entities,
    debug,
    allowGlobalContext: false,
    forceUtcTimezone: true,
    extensions: [Migrator],
    migrations: {
      path: migrationsRoot + database.kind,
      glob: '!(*.d).{js,ts}',
      transactional: true,
      allOrNothing: true,
      emit: 'ts',
      snapshot: false,
      silent: true,
    },
  };
  if (database.kind === 'postgresql') {
    return { ...common, driver: PostgreSqlDriver, clientUrl: database.url, pool: { min: 0, max: 10 } };
  }
  return {
    ...common,
    driver: SqliteDriver,
    dbName: database.url,
    pool: {
      min: 1,
      max: 1,
      afterCreate: (conn: { exec(sql: string, cb: (err: Error | null) => void): void }, done: (err: Error | null, conn: unknown) => void) => {
        conn.exec(SQLITE_PRAGMAS, (err) => done(err, conn));
      },
    },
  } as Options;
}

/** Opens the database and brings its schema up to date with the committed migrations. */
export async function openDatabase(database: Config['database'], { migrate = true } = {}): Promise<Orm> {
  const orm = await MikroORM.init(ormOptions(database));
  if (migrate) await orm.getMigrator().up();
  return orm;
}

export async function pendingMigrations(orm: Orm): Promise<number> {
  return (await orm.getMigrator().getPendingMigrations()).length;
}
