/**
 * Generates the next migration for both dialects from the entities, so the two sets stay in step:
 *   npm run migration:create            (SQLite, and PostgreSQL when TEST_DATABASE_URL points at one)
 * Each dialect is brought up to date on a scratch database first, then diffed against the entities.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MikroORM } from '@mikro-orm/core';
import type { Config } from '../config.js';
import { ormOptions } from './orm.js';

async function generate(database: Config['database'], initial: boolean) {
  const orm = await MikroORM.init(await ormOptions(database));
  try {
    const migrator = orm.getMigrator();
    await migrator.up();
    const result = initial ? await migrator.createInitialMigration() : await migrator.createMigration();
    console.log(`${database.kind}: ${result.fileName || 'no changes'}`);
  } finally {
    await orm.close(true);
  }
}

const initial = process.argv.includes('--initial');
await generate({ kind: 'sqlite', url: join(mkdtempSync(join(tmpdir(), 'atelier-mig-')), 'scratch.sqlite') }, initial);
const pg = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/atelier_migrations';
await generate({ kind: 'postgresql', url: pg }, initial);
