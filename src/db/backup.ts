import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Config } from '../config.js';
import type { Orm } from './orm.js';

/**
 * A consistent copy of the SQLite database, safe while the service runs: `VACUUM INTO` reads the
 * database inside one read transaction (WAL readers never block the writer) and writes a compact,
 * self-contained file. PostgreSQL has its own tools (pg_dump) for this.
 */
export async function backupDatabase(orm: Orm, database: Config['database'], target: string): Promise<string> {
  if (database.kind !== 'sqlite') throw new Error('backup copies SQLite databases; on PostgreSQL use pg_dump');
  const path = resolve(target);
  if (existsSync(path)) throw new Error(`${path} already exists: choose a new file name`);
  await orm.em.getConnection().execute('vacuum into ?', [path], 'run');
  return path;
}
