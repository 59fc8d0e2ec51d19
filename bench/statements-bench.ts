/**
 * Statement count: what one registration costs the database, and what the outbox worker's work
 * costs per email. The service runs in this process (app.inject, no HTTP) on a fresh database, the
 * background mail worker off, and every statement the driver receives is recorded: one API
 * registration (token and role checks included), one through the public form, then one drain of
 * the outbox those registrations filled.
 * Run directly: npx tsx bench/statements-bench.ts (TEST_DATABASE_URL=postgres://… for PostgreSQL).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildApp } from '../src/app.js';
import { auditWriter } from '../src/audit/audit.service.js';
import { loadConfig } from '../src/config.js';
import { type Orm, openDatabase } from '../src/db/orm.js';
import { drainOutbox } from '../src/mail/outbox.worker.js';
import { createApiToken, createOrganiser } from '../src/organisers/organiser.service.js';
import { NONCE_FIELD, issueFormNonce } from '../src/registrations/form-nonce.js';

export interface StatementCount {
  case: string;
  /** Every statement sent to the database, transaction control (begin, commit, savepoints) included. */
  statements: number;
  /** Statements other than transaction control. */
  queries: number;
  transactions: number;
  /** Statements run outside any transaction. */
  outside: number;
  /**
   * Statements of the batched audit write (src/audit/audit.service.ts): after the answer, off the
   * request path, shared by the requests answered together; not in the figures above.
   */
  deferred: number;
  /** The statements, shortened, in order. */
  log: string[];
}

type KnexEvents = {
  on(e: 'query', fn: (q: { sql: string; __knexTxId?: string }) => void): void;
  off(e: 'query', fn: (q: { sql: string; __knexTxId?: string }) => void): void;
};

const CONTROL = /^(begin|commit|rollback|savepoint|release savepoint|rollback to savepoint)\b/i;

/** Records the statements `orm` sends while `run` runs. */
async function recorded(orm: Orm, label: string, run: () => Promise<unknown>, per = 1): Promise<StatementCount> {
  const knex = (orm.em.getConnection() as unknown as { getKnex(): KnexEvents }).getKnex();
  const all: { sql: string; tx?: string }[] = [];
  const listen = (q: { sql: string; __knexTxId?: string }) => all.push({ sql: q.sql.trim(), tx: q.__knexTxId });
  // What the audit writer still holds from earlier requests is not this case's.
  const audit = auditWriter(orm.em, () => {});
  await audit.flush();
  knex.on('query', listen);
  try {
    await run();
    // This case's own audit entry, written after the answer: recorded, and counted apart.
    await audit.flush();
  } finally {
    knex.off('query', listen);
  }
  // A transaction that only inserts audit entries is the audit writer's batch.
  const auditOnly = new Set(
    [...new Set(all.map((s) => s.tx).filter((tx) => tx !== undefined))].filter((tx) =>
      all.filter((s) => s.tx === tx && !CONTROL.test(s.sql)).every((s) => /^insert into .audit_entry./i.test(s.sql)),
    ),
  );
  const seen = all.filter((s) => s.tx === undefined || !auditOnly.has(s.tx));
  const control = seen.filter((s) => CONTROL.test(s.sql));
  const round = (n: number) => Math.round((n / per) * 10) / 10;
  return {
    case: label,
    statements: round(seen.length),
    queries: round(seen.length - control.length),
    transactions: round(control.filter((s) => /^begin/i.test(s.sql)).length),
    outside: round(seen.filter((s) => !s.tx && !CONTROL.test(s.sql)).length),
    deferred: round(all.length - seen.length),
    log: all.map((s) => {
      const mark = s.tx === undefined ? '' : auditOnly.has(s.tx) ? '  (deferred) ' : '  ';
      return `${mark}${s.sql.replace(/\s+/g, ' ').slice(0, 110)}`;
    }),
  };
}

export async function benchStatements(): Promise<StatementCount[]> {
  const dataDir = mkdtempSync(join(tmpdir(), 'atelier-statements-'));
  const env: Record<string, string> = {
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    NODE_ENV: 'production',
    SESSION_SECRET: 'bench-statements-session-secret-0123456789',
    MAIL_WORKER: 'false',
    FORM_MIN_FILL_SECONDS: '0',
    RATE_LIMIT_REGISTER: '0',
    RATE_LIMIT_API_REGISTER: '0',
    DATABASE_URL: process.env.TEST_DATABASE_URL
      ? await freshPostgres(process.env.TEST_DATABASE_URL)
      : join(dataDir, 'statements.sqlite'),
  };
  const config = loadConfig(env);
  const orm = await openDatabase(config.database);
  const app = await buildApp({ config, orm, logger: false });
  try {
    await createOrganiser(orm.em.fork(), { email: 'bench@atelier.test', password: 'bench-password-long' });
    const token = await createApiToken(orm.em.fork(), 'bench@atelier.test');
    const headers = { authorization: `Bearer ${token}` };
    const year = new Date().getUTCFullYear() + 1;
    const created = await app.inject({
      method: 'POST',
      url: '/api/v1/events',
      headers,
      payload: {
        title: 'Compte des requêtes',
        slug: 'compte',
        startsAt: `${year}-11-15T09:00:00+01:00`,
        endsAt: `${year}-11-15T12:00:00+01:00`,
        capacity: 100,
        status: 'published',
      },
    });
    const event = created.json() as { id: number; slug: string };
    const person = (n: number) => ({
      firstName: 'Bench',
      lastName: `Personne ${n}`,
      email: `p${n}@bench.test`,
      organisation: "Banc d'essai",
      structureType: 'association',
      consent: true,
    });
    const apiRegister = (n: number) =>
      app.inject({
        method: 'POST',
        url: `/api/v1/events/${event.id}/registrations`,
        headers: { ...headers, 'idempotency-key': `key-${n}` },
        payload: person(n),
      });
    // Warm: the first request of a kind loads caches (event, form) that later ones reuse.
    await apiRegister(0);
    const page = await app.inject({ url: `/e/${event.slug}/register` });
    const setCookie = page.headers['set-cookie'] ?? [];
    const cookie = (Array.isArray(setCookie) ? setCookie : [setCookie]).map((c) => c.split(';')[0]).join('; ');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
    const formRegister = (n: number) =>
      app.inject({
        method: 'POST',
        url: `/e/${event.slug}/register`,
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({
          _csrf: csrf,
          [NONCE_FIELD]: issueFormNonce(config.sessionKey, event.id, Date.now() - 10_000),
          ...person(n),
          consent: 'yes',
        }).toString(),
      });
    await formRegister(1);
    await drainOutbox(orm, app.mail.transport);
    const results: StatementCount[] = [];
    // Each case right after one of its kind: what is kept in memory (for a second: tokens, roles, the
    // public event) is then warm, as it is under load.
    await apiRegister(10);
    results.push(
      await recorded(orm, 'register, API', async () => {
        const response = await apiRegister(2);
        if (response.statusCode !== 201) throw new Error(`API registration: ${response.statusCode} ${response.body}`);
      }),
    );
    await formRegister(11);
    results.push(
      await recorded(orm, 'register, public form', async () => {
        const response = await formRegister(3);
        if (response.statusCode !== 303)
          throw new Error(`form registration: ${response.statusCode} ${response.body.slice(0, 300)}`);
      }),
    );
    await formRegister(4);
    await formRegister(5);
    let sent = 0;
    const drain = await recorded(orm, 'outbox worker, per email', async () => {
      sent = (await drainOutbox(orm, app.mail.transport)).sent;
    });
    const per = (n: number) => Math.round((n / Math.max(sent, 1)) * 10) / 10;
    results.push({
      ...drain,
      case: `outbox worker, per email (${sent} emails)`,
      statements: per(drain.statements),
      queries: per(drain.queries),
      transactions: per(drain.transactions),
      outside: per(drain.outside),
      deferred: per(drain.deferred),
    });
    return results;
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function freshPostgres(server: string): Promise<string> {
  const { default: pg } = await import('pg');
  const name = 'atelier_bench_statements';
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  await admin.query(`drop database if exists ${name} with (force)`);
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(server);
  url.pathname = `/${name}`;
  return url.toString();
}

export function printStatements(rows: StatementCount[], verbose = false): void {
  for (const r of rows) {
    console.log(
      `  ${r.case}: ${r.statements} statements (${r.queries} besides begin/commit), ${r.transactions} transaction(s), ${r.outside} outside a transaction${r.deferred ? `; plus ${r.deferred} deferred, batched (the audit entry, off the request path)` : ''}`,
    );
    if (verbose) for (const line of r.log) console.log(`      ${line}`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  benchStatements().then(
    (rows) => printStatements(rows, true),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
