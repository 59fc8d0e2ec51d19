import { BetterSqlitePlatform } from '@mikro-orm/better-sqlite';
import { JsonProperty, raw } from '@mikro-orm/core';
import fc from 'fast-check';
import { createRequire } from 'node:module';
import t from 'tap';
import { bindParameters, cacheStatements } from '../../src/db/sqlite-driver.js';
import { Registration } from '../../src/registrations/registration.entity.js';
import { createApiToken, createOrganiser } from '../../src/organisers/organiser.service.js';
import { buildTestApp } from '../support/app.js';
import { openEvent } from '../support/events.js';

interface Statement {
  all(...values: unknown[]): unknown[];
  safeIntegers(on: boolean): Statement;
}
interface Connection {
  prepare(sql: string): Statement;
  exec(sql: string): void;
  close(): void;
}
const Database = createRequire(import.meta.url)('better-sqlite3') as new (file: string) => Connection;

// MikroORM's own way: every value written into the SQL text. The bound statement must mean the same.
const platform = new BetterSqlitePlatform();
const db = new Database(':memory:');
t.teardown(() => db.close());

function bothWays(sql: string, params: unknown[]) {
  const bound = bindParameters(sql, params);
  if (!bound) throw new Error(`not bound: ${sql}`);
  let inlined: unknown[] | 'refused';
  try {
    inlined = db.prepare(platform.formatQuery(sql, params)).all();
  } catch {
    // Written into the SQL, some text cannot be run at all (a NUL character ends the statement).
    inlined = 'refused';
  }
  return { inlined, bound: db.prepare(bound.sql).all(...bound.values) };
}

const value = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc.constantFrom("'", "''", '?', '??', '\\', '\\?', '"', '`', '%', '\0', 'NULL', '--', ';'),
  fc.integer(),
  fc.maxSafeInteger(),
  // Quarters: decimals SQLite reads back exactly from their text (its parser may round a long one off by one ulp).
  fc.integer().map((n) => n / 4),
  // Integers past 2^53 (no longer safe in JavaScript, still INTEGER in SQLite up to 2^63) and past 2^63.
  fc.constantFrom(2 ** 53 + 2, -(2 ** 53) - 2, 1e18, -1e18, 1e21),
  fc.boolean(),
  fc.constant(null),
  fc.date({ noInvalidDate: true }),
  fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null))),
);

t.test('a value bound as a parameter means what MikroORM would have written in the SQL', async (t) => {
  fc.assert(
    fc.property(value, (v) => {
      const { inlined, bound } = bothWays('select typeof(?) as type, ? as value, cast(? as text) as text', [v, v, v]);
      if (inlined === 'refused') t.same(bound, [{ type: 'text', value: v, text: v }], 'bound, it is stored as it is');
      else t.same(bound, inlined);
    }),
    { numRuns: 500 },
  );
  t.end();
});

t.test('a flat array is a list, as in `in (?)`', async (t) => {
  // Dates in a list keep MikroORM's path (below).
  const scalars = fc.array(fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null)), { maxLength: 20 });
  fc.assert(
    fc.property(scalars, fc.oneof(fc.string(), fc.integer()), (list, probe) => {
      const { inlined, bound } = bothWays('select ? in (?) as found, ? as after', [probe, list, 'x']);
      t.same(bound, inlined);
    }),
    { numRuns: 300 },
  );
  // A JSON array (a json property's value) is one text value, not a list.
  const json = Object.defineProperty(['a', 1], JsonProperty, { value: true });
  t.same(bothWays('select ? as value', [json]).bound, [{ value: '["a",1]' }]);
  t.end();
});

t.test('an integer stays an INTEGER: integer division, and the text of a number', async (t) => {
  const { bound } = bothWays('select 7 / ? as quotient, cast(? as text) as text, typeof(?) as type', [2, 5, 5]);
  t.same(bound, [{ quotient: 3, text: '5', type: 'integer' }]);
});

t.test("what parameters cannot say keeps MikroORM's path", async (t) => {
  t.equal(bindParameters("select '?' as q, ? as v", [1]), null, 'a quoted literal: its ? is text');
  t.equal(bindParameters('select ?? from t', ['id']), null, 'an identifier');
  t.equal(bindParameters('select \\? as q', []), null, 'an escaped ?');
  t.equal(bindParameters('select ? as v', [raw('1 + 1')]), null, 'a raw fragment');
  t.equal(bindParameters('select ? in (?)', [1, [[1, 2]]]), null, 'nested arrays (rows)');
  t.equal(bindParameters('select ? as v', [new Date(Number.NaN)]), null, 'an invalid date');
  t.equal(bindParameters('select ? as v', [Number.POSITIVE_INFINITY]), null, 'an infinite number');
  t.equal(bindParameters('select ? as v', [new Map()]), null, 'an object that is not JSON');
  t.equal(bindParameters('select ? in (?)', [1, [new Date(0)]]), null, 'a date in a list (written as text there)');
  const many = Array.from({ length: 32_767 }, (_, n) => n);
  t.equal(bindParameters('select 1 where 1 in (?)', [many]), null, "more values than SQLite's 32,766 parameters");
  t.ok(bindParameters('select 1 where 1 in (?)', [many.slice(1)]), '32,766 are bound');
  t.equal(bindParameters('select ?, ? as v', [1]), null, 'fewer values than ?');
  t.equal(bindParameters('select ? as v', [1, 2]), null, 'more values than ?');
  t.same(bindParameters('select 1', []), { sql: 'select 1', values: [] });
  t.same(bindParameters('select ? as v', [undefined]), { sql: 'select ? as v', values: [null] });
});

t.test('prepared statements are kept for the same SQL, the most recent 200', async (t) => {
  const connection = new Database(':memory:');
  t.teardown(() => connection.close());
  cacheStatements(connection);
  const first = connection.prepare('select 0 as n');
  t.equal(connection.prepare('select 0 as n'), first, 'the same statement again');
  for (let n = 1; n <= 200; n++) connection.prepare(`select ${n} as n`);
  t.not(connection.prepare('select 0 as n'), first, 'the least recently used one was let go');
  t.same(connection.prepare('select 0 as n').all(), [{ n: 0 }]);
  // A mode set on a statement for one query (knex's safeIntegers option) does not stay for the next.
  connection.prepare('select 7 as n').safeIntegers(true);
  t.same(connection.prepare('select 7 as n').all(), [{ n: 7 }], 'a number again, not 7n');
  // A kept statement follows the schema: better-sqlite3 prepares it again after a change.
  connection.exec('create table t (a)');
  connection.exec('insert into t values (1)');
  const select = connection.prepare('select * from t');
  connection.exec('alter table t add column b');
  t.same(connection.prepare('select * from t').all(), [{ a: 1, b: null }]);
  t.equal(connection.prepare('select * from t'), select);
});

t.test('through the service: values with quotes and ?, errors still recognised', async (t) => {
  const { app, orm } = await buildTestApp(t);
  const em = () => orm.em.fork();
  await createOrganiser(em(), { email: 'api@example.org', password: 'mot-de-passe-api' });
  const token = await createApiToken(em(), 'api@example.org');
  const event = await openEvent(em(), { capacity: 10 });
  const register = (lastName: string) =>
    app.inject({
      method: 'POST',
      url: `/api/v1/events/${event.id}/registrations`,
      headers: { authorization: `Bearer ${token}` },
      payload: {
        firstName: "Jeanne-d'Arc",
        lastName,
        email: 'quote@example.org',
        organisation: "L'Épicerie ? solidaire",
        structureType: 'association',
        consent: true,
      },
    });
  t.equal((await register("O'Brien ?? \\? ;--")).statusCode, 201);
  const stored = await em().findOneOrFail(Registration, { event: event.id });
  t.equal(stored.lastName, "O'Brien ?? \\? ;--");
  t.equal(stored.organisation, "L'Épicerie ? solidaire");
  // The same address again: the unique index's error is still told apart (409, not 500).
  const again = await register('Autre');
  t.equal(again.statusCode, 409);
  t.equal(again.json().error, 'already_registered');
});
