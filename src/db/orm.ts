import { MikroORM, type Options } from '@mikro-orm/core';
import { Migrator } from '@mikro-orm/migrations';
import { fileURLToPath } from 'node:url';
import type { Config } from '../config.js';
import { entities } from './entities.js';
import { BoundSqliteDriver, cacheStatements } from './sqlite-driver.js';

export type Orm = MikroORM;

// From the sources (tsx), the TypeScript files of migrations/; compiled (`npm run build`: dist/src/db/orm.js),
// the JavaScript of dist/migrations/, at the same place relative to this file.
const migrationsRoot = fileURLToPath(new URL('../../migrations/', import.meta.url));

// Run on every new SQLite connection: WAL lets readers work while one writer writes, the busy
// timeout makes a writer wait for another process's lock instead of failing with SQLITE_BUSY,
// synchronous=NORMAL is durable in WAL mode up to the last committed transaction on power loss.
const SQLITE_PRAGMAS =
  'pragma journal_mode = WAL; pragma busy_timeout = 10000; pragma synchronous = NORMAL; pragma foreign_keys = ON;';

interface SqliteConnection {
  exec(sql: string): void;
  prepare(sql: string): { safeIntegers(on: boolean): unknown };
}

/** The options of MikroORM for `database`; PostgreSQL's driver is loaded only for PostgreSQL. */
export async function ormOptions(database: Config['database'], debug = false): Promise<Options> {
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
    const { PostgreSqlDriver } = await import('@mikro-orm/postgresql');
    return { ...common, driver: PostgreSqlDriver, clientUrl: database.url, pool: { min: 0, max: 10 } };
  }
  return {
    ...common,
    driver: BoundSqliteDriver,
    dbName: database.url,
    // An error's message keeps the statement with its `?`: knex cannot write the BigInt parameters
    // of BoundSqliteDriver back into SQL text.
    driverOptions: { compileSqlOnError: false },
    pool: {
      min: 1,
      max: 1,
      afterCreate: (conn: SqliteConnection, done: (err: Error | null, conn: unknown) => void) => {
        try {
          conn.exec(SQLITE_PRAGMAS);
          cacheStatements(conn);
          done(null, conn);
        } catch (error) {
          done(error as Error, conn);
        }
      },
    },
  } as Options;
}

/** Opens the database and brings its schema up to date with the committed migrations. */
export async function openDatabase(database: Config['database'], { migrate = true } = {}): Promise<Orm> {
  const orm = await MikroORM.init(await ormOptions(database));
  if (migrate) await migrateOnce(orm, database.kind);
  return orm;
}

// Any fixed number: the key of the PostgreSQL advisory lock that serialises start-up migrations.
const MIGRATION_LOCK = 4_251_305;

/**
 * Several instances may start at once on one database: on PostgreSQL they take turns through an
 * advisory lock held by one transaction while the migrator runs; on SQLite (several processes on
 * one file) a start that loses the race finds nothing left to apply and carries on.
 */
async function migrateOnce(orm: Orm, kind: Config['database']['kind']): Promise<void> {
  const migrator = orm.getMigrator();
  if (kind === 'postgresql') {
    const knex = (orm.em.getConnection() as unknown as { getKnex(): import('@mikro-orm/postgresql').Knex }).getKnex();
    await knex.transaction(async (trx) => {
      await trx.raw('select pg_advisory_xact_lock(?)', [MIGRATION_LOCK]);
      await migrator.up();
    });
    return;
  }
  // The loser of a start-up race on one file meets tables the winner just created: try again
  // shortly, when it finds them complete and nothing left to apply.
  for (let attempt = 1; ; attempt++) {
    try {
      await migrator.up();
      return;
    } catch (error) {
      if (attempt >= 5) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
    }
  }
}

export async function pendingMigrations(orm: Orm): Promise<number> {
  return (await orm.getMigrator().getPendingMigrations()).length;
}
