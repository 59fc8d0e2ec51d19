import {
  type AnyEntity,
  type Configuration,
  type EntityData,
  JsonProperty,
  type LoggingOptions,
  type QueryResult,
  Utils,
} from '@mikro-orm/core';
import { AbstractSqlDriver, BetterSqliteConnection, BetterSqlitePlatform, type Knex } from '@mikro-orm/better-sqlite';

/**
 * SQLite with bound parameters and reused statements.
 *
 * MikroORM 6 writes every value into the SQL text before running it (`Platform.formatQuery`), so no
 * two statements are alike: SQLite parses and plans each one again (a third of a registration's
 * database time, profiled), and an email's HTML is escaped into an INSERT. Here a statement keeps its
 * `?` and its values go to SQLite as parameters; the connection keeps the prepared statements of the
 * statements it runs most (`cacheStatements`). What the parameters cannot say the same way falls back
 * to MikroORM's own path: a quoted literal in the SQL (a `?` inside it must stay text), `??`
 * identifiers, raw SQL fragments, nested arrays, dates in a list, objects other than JSON values, and
 * more values than SQLite's 32,766 parameters.
 */
export class BoundSqliteConnection extends BetterSqliteConnection {
  override async execute<
    T extends QueryResult | EntityData<AnyEntity> | EntityData<AnyEntity>[] = EntityData<AnyEntity>[],
  >(
    queryOrKnex: string | Knex.QueryBuilder | Knex.Raw,
    params: unknown[] = [],
    method: 'all' | 'get' | 'run' = 'all',
    ctx?: Knex.Transaction,
    loggerContext?: LoggingOptions,
  ): Promise<T> {
    let sql: string;
    if (typeof queryOrKnex === 'string') sql = queryOrKnex;
    else {
      ctx ??= (queryOrKnex as unknown as { client: { transacting?: boolean } }).client.transacting
        ? (queryOrKnex as unknown as Knex.Transaction)
        : undefined;
      const compiled = queryOrKnex.toSQL();
      sql = compiled.sql;
      params = [...(compiled.bindings ?? [])];
    }
    const bound = bindParameters(sql, params);
    // Queries written to the log keep MikroORM's path, which shows them with their values.
    if (!bound || this.config.getLogger().isEnabled('query', loggerContext))
      return super.execute<T>(sql, params, method, ctx, loggerContext);
    await this.ensureConnection();
    const query = this.config.get('onQuery')(bound.sql, bound.values);
    return this.executeQuery<T>(
      query,
      async () => {
        const raw = this.getKnex().raw(query, bound.values as Knex.RawBinding[]);
        if (ctx) raw.transacting(ctx);
        return this.transformRawResult<T>(await raw, method);
      },
      { query: sql, params, ...loggerContext },
    );
  }
}

/** The SQLite driver of MikroORM with the connection above. */
export class BoundSqliteDriver extends AbstractSqlDriver<BoundSqliteConnection> {
  constructor(config: Configuration) {
    super(config, new BetterSqlitePlatform(), BoundSqliteConnection, ['knex', 'better-sqlite3']);
  }
}

type Scalar = string | number | bigint | null | Buffer;

/** SQLite's limit on a statement's parameters (SQLITE_MAX_VARIABLE_NUMBER); written into the text, a longer list has none. */
const SQLITE_MAX_VARIABLES = 32_766;

/**
 * `sql` with one plain `?` per value and the values as SQLite binds them, meaning what
 * `formatQuery` would have written in their place: a date is its milliseconds, a boolean 1 or 0, a JSON
 * value its text, a flat array a list (`in (?, ?)`), an integer a BigInt (see `scalar`). Null when that cannot be said with parameters.
 */
export function bindParameters(sql: string, params: readonly unknown[]): { sql: string; values: Scalar[] } | null {
  if (sql.includes("'") || sql.includes('\\?')) return null;
  const values: Scalar[] = [];
  let out = '';
  let from = 0;
  let used = 0;
  for (let at = sql.indexOf('?'); at !== -1; at = sql.indexOf('?', at + 1)) {
    if (sql[at + 1] === '?' || used >= params.length) return null;
    const param = params[used++];
    out += sql.slice(from, at);
    from = at + 1;
    if (Array.isArray(param) && !(param as { [JsonProperty]?: boolean })[JsonProperty]) {
      // In a list, sqlstring writes a date as text, not as its milliseconds: rare enough to leave to it.
      const items = param.map((item) =>
        Array.isArray(item) || Utils.isPlainObject(item) || item instanceof Date ? undefined : scalar(item),
      );
      if (items.some((item) => item === undefined)) return null;
      values.push(...(items as Scalar[]));
      out += items.map(() => '?').join(', ');
      continue;
    }
    const value = scalar(param);
    if (value === undefined) return null;
    values.push(value);
    out += '?';
  }
  if (used !== params.length || values.length > SQLITE_MAX_VARIABLES) return null;
  return { sql: out + sql.slice(from), values };
}

/** One value as SQLite binds it, or undefined for what only MikroORM's quoting says right. */
function scalar(value: unknown): Scalar | undefined {
  if (value === undefined || value === null) return null;
  switch (typeof value) {
    case 'string':
    case 'bigint':
      return value;
    case 'number':
      // better-sqlite3 binds a number as REAL: an integer goes as a BigInt, so that it stays the INTEGER
      // its literal was (7 / 2 is 3, a text column holds '5', not '5.0').
      if (Number.isInteger(value) && Math.abs(value) < 2 ** 63) return BigInt(value);
      return Number.isFinite(value) ? value : undefined;
    case 'boolean':
      return value ? 1n : 0n;
    case 'object':
      break;
    default:
      return undefined;
  }
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : BigInt(value.getTime());
  if (Buffer.isBuffer(value)) return value;
  if (Utils.isRawSql(value)) return undefined;
  // A plain array never gets here: bindParameters makes it a list, unless it is a JSON property's value.
  if (Utils.isPlainObject(value) || (value as { [JsonProperty]?: boolean })[JsonProperty]) return JSON.stringify(value);
  return undefined;
}

interface PreparedStatement {
  safeIntegers(on: boolean): unknown;
}

interface PreparingConnection {
  prepare(sql: string): PreparedStatement;
}

/** Prepared statements kept per connection: the most recently used ones, up to this many. */
const STATEMENTS_KEPT = 200;

/**
 * Makes `connection.prepare` return the statement it prepared before for the same SQL (better-sqlite3
 * resets a statement after each run, and re-prepares it itself if the schema changed).
 */
export function cacheStatements(connection: PreparingConnection): void {
  const prepare = connection.prepare.bind(connection);
  const kept = new Map<string, PreparedStatement>();
  connection.prepare = (sql: string) => {
    let statement = kept.get(sql);
    if (statement) {
      kept.delete(sql);
      // The one mode knex may set on a statement (a query's safeIntegers option): back to the default.
      statement.safeIntegers(false);
    } else {
      statement = prepare(sql);
      if (kept.size >= STATEMENTS_KEPT) kept.delete(kept.keys().next().value as string);
    }
    kept.set(sql, statement);
    return statement;
  };
}
