import type { MikroORM } from '@mikro-orm/core';

type KnexEvents = {
  on(e: 'query', fn: (q: { sql: string }) => void): void;
  off(e: 'query', fn: (q: { sql: string }) => void): void;
};

/**
 * Records the write statements the database receives while `run` runs, as `insert table`,
 * `update table` or `delete table`, into `seen`; returns what `run` returns.
 */
export async function writesDuring<T>(orm: MikroORM, seen: string[], run: () => Promise<T>): Promise<T> {
  const knex = (orm.em.getConnection() as unknown as { getKnex(): KnexEvents }).getKnex();
  const listen = (q: { sql: string }) => {
    const words = q.sql.trim().toLowerCase().replace(/["`]/g, '').split(/\s+/);
    if (words[0] === 'insert' || words[0] === 'delete') seen.push(`${words[0]} ${words[2]}`);
    if (words[0] === 'update') seen.push(`update ${words[1]}`);
  };
  knex.on('query', listen);
  try {
    return await run();
  } finally {
    knex.off('query', listen);
  }
}
