/**
 * `npm run bench`: starts the service in production mode on a fresh database, loads it over
 * loopback with autocannon, prints a table and writes bench/results.json.
 *   npm run bench                 full run (warm-up, then 5 s per HTTP scenario)
 *   npm run bench -- --quick      smoke run (about a second per scenario), used by the test suite
 *   npm run bench -- --postgres   also the register scenarios on PostgreSQL (TEST_DATABASE_URL), one and two instances
 *   npm run bench -- --only registration    only some cases (comma-separated): floor, page, api, register, contended,
 *                                 statements, report, assignment; `registration` = floor, register, contended,
 *                                 statements. A partial run writes its figures to a temporary file unless --out is given.
 *   npm run bench -- --service-node-args=--optimize-for-size   runs the service with these Node flags
 *                                 (written to a temporary file unless --out is given: never the baseline)
 * Each run is compared with the previous bench/results.json: the cases that got slower are named.
 */
import autocannon from 'autocannon';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { loadConfig } from '../src/config.js';
import { slugify } from '../src/events/structure-types.js';
import { NONCE_FIELD, issueFormNonce } from '../src/registrations/form-nonce.js';
import { benchAssignment } from './assignment-bench.js';
import { benchNetwork } from './network-bench.js';
import { benchReport } from './report-bench.js';
import { type StatementCount, benchStatements, printStatements } from './statements-bench.js';
import { type ServerProcess, startServer } from '../test/support/server-process.js';

const { values: flags } = parseArgs({
  options: {
    quick: { type: 'boolean' },
    postgres: { type: 'boolean' },
    out: { type: 'string' },
    only: { type: 'string' },
    /** A directory: the service runs with `--cpu-prof` and writes its CPU profiles there when stopped. */
    profile: { type: 'string' },
    /** Node flags for the service only (not the load generator), space-separated, to compare V8 flags side by side. */
    'service-node-args': { type: 'string' },
  },
});
const CASES = [
  'floor',
  'page',
  'api',
  'register',
  'contended',
  'statements',
  'report',
  'assignment',
  'network',
] as const;
type Case = (typeof CASES)[number];
const selected = new Set<Case>(
  flags.only
    ? flags.only
        .split(',')
        .flatMap((name) =>
          name.trim() === 'registration'
            ? (['floor', 'register', 'contended', 'statements'] as Case[])
            : CASES.filter((c) => c === name.trim()),
        )
    : CASES,
);
if (flags.only && selected.size === 0) throw new Error(`--only: none of ${flags.only} is a case (${CASES.join(', ')})`);
const runs = (name: Case) => selected.has(name);
const quick = Boolean(flags.quick);
const DURATION = quick ? 1 : 5;
const WARMUP = quick ? 0 : 2;
const CONNECTIONS = 50;

export interface HttpResult {
  scenario: string;
  requestsPerSecond: number;
  p50: number;
  p975: number;
  p99: number;
  errors: number;
  non2xx: number;
  ratioToFloor: number | null;
  note?: string;
}

const results: HttpResult[] = [];
const notes: string[] = [];
let floorRps = 0;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.floor(sorted.length / 2)] : 0;
}

type AutocannonOptions = Parameters<typeof autocannon>[0];

async function load(scenario: string, options: AutocannonOptions, note?: string): Promise<HttpResult> {
  if (WARMUP) await autocannon({ ...options, duration: WARMUP });
  const run = await autocannon({ ...options, duration: DURATION, connections: options.connections ?? CONNECTIONS });
  // autocannon samples requests once a second: the median of those samples.
  const rps = run.requests.p50 || run.requests.average;
  const result: HttpResult = {
    scenario,
    requestsPerSecond: Math.round(rps),
    p50: run.latency.p50,
    p975: run.latency.p97_5,
    p99: run.latency.p99,
    errors: run.errors + run.timeouts,
    non2xx: run.non2xx,
    ratioToFloor: floorRps ? Math.round((rps / floorRps) * 1000) / 1000 : null,
    note,
  };
  results.push(result);
  return result;
}

/** A browser's session on the registration form: its cookie and CSRF token, reused for every post. */
async function formSession(url: string): Promise<{ cookie: string; csrf: string }> {
  const response = await fetch(url);
  const html = await response.text();
  const cookie = response.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
  if (!csrf) throw new Error(`no form at ${url} (${response.status})`);
  return { cookie, csrf };
}

/** The key the service signs its form nonces with (SESSION_SECRET, set by the bench on every run). */
const SESSION_SECRET = 'bench-shared-session-secret-0123456789abcdef';
const sessionKey = loadConfig({ SESSION_SECRET, DATA_DIR: tmpdir() }).sessionKey;

let attendeeSeq = 0;
/**
 * Each attendee posts the form as a browser does: the session's CSRF token, and a form nonce of its
 * own (each person gets a page of their own; reusing one would replay the first registration), as
 * if the page had been shown ten seconds earlier, so the minimum fill time is met.
 */
function registerRequests(
  event: { id: number; slug: string },
  session: { cookie: string; csrf: string },
  prefix: string,
): autocannon.Request {
  const slug = event.slug;
  return {
    method: 'POST' as const,
    path: `/e/${slug}/register`,
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: session.cookie },
    setupRequest: (request) => {
      const n = ++attendeeSeq;
      request.body = new URLSearchParams({
        _csrf: session.csrf,
        [NONCE_FIELD]: issueFormNonce(sessionKey, event.id, Date.now() - 10_000),
        firstName: 'Bench',
        lastName: `Personne ${n}`,
        email: `${prefix}-${n}@bench.test`,
        organisation: "Banc d'essai",
        structureType: ['travailleur-social', 'association', 'bailleur-social', 'collectivite'][n % 4],
        consent: 'yes',
      }).toString();
      return request;
    },
  };
}

async function api(server: ServerProcess, token: string, method: string, path: string, body?: unknown) {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return response.json();
}

async function createEvent(server: ServerProcess, token: string, slug: string, capacity: number | null) {
  const year = new Date().getUTCFullYear() + 1;
  const at = (time: string) => `${year}-11-15T${time}:00+01:00`;
  return api(server, token, 'POST', '/api/v1/events', {
    title: `Banc d'essai ${slug}`,
    slug,
    startsAt: at('09:00'),
    endsAt: at('12:30'),
    capacity,
    status: 'published',
    sessions: [
      { kind: 'plenary', title: 'Plénière', startsAt: at('09:00'), endsAt: at('10:30') },
      ...[1, 2, 3, 4].map((n) => ({
        kind: 'breakout',
        title: `Groupe ${n}`,
        startsAt: at('10:45'),
        endsAt: at('12:30'),
        capacity: 20,
      })),
    ],
  }) as Promise<{ id: number; slug: string }>;
}

async function countStatuses(server: ServerProcess, token: string, eventId: number) {
  const [confirmed, waitlisted, all] = await Promise.all(
    ['confirmed', 'waitlisted', ''].map(
      (status) =>
        api(
          server,
          token,
          'GET',
          `/api/v1/events/${eventId}/registrations?limit=1${status ? `&status=${status}` : ''}`,
        ) as Promise<{ total: number }>,
    ),
  );
  return { confirmed: confirmed.total, waitlisted: waitlisted.total, total: all.total };
}

/** 200 attendees at once for the last 50 seats: exactly 50 must be confirmed. */
async function contended(servers: ServerProcess[], token: string, label: string) {
  const event = await createEvent(servers[0], token, `contended-${slugify(label)}-${Date.now()}`, 50);
  const sessions = await Promise.all(servers.map((s) => formSession(`${s.url}/e/${event.slug}/register`)));
  const started = performance.now();
  const runs = await Promise.all(
    servers.map((server, i) =>
      autocannon({
        // A generous client timeout: on a busy machine an answer can take longer than autocannon's 10 s default.
        url: server.url,
        connections: 200 / servers.length,
        amount: 200 / servers.length,
        timeout: 60,
        requests: [registerRequests(event, sessions[i], `contended-${slugify(label)}`)],
      }),
    ),
  );
  const seconds = (performance.now() - started) / 1000;
  const counts = await countStatuses(servers[0], token, event.id);
  const answered = runs.reduce((sum, r) => sum + r['3xx'] + r['2xx'], 0);
  // Exact: the seats went to exactly 50, every attempt was stored once, and none answered with a
  // success is missing (an attempt whose answer the client gave up on is still stored).
  const ok = counts.confirmed === 50 && counts.waitlisted === 150 && counts.total === 200 && answered <= counts.total;
  const line = `${label}: 200 attendees for 50 seats → ${counts.confirmed} confirmed, ${counts.waitlisted} waiting list, ${answered} answered with success, ${counts.total} stored (${ok ? 'exact' : 'WRONG'})`;
  console.log(line);
  notes.push(line);
  results.push({
    scenario: `register, contended (${label})`,
    requestsPerSecond: Math.round(200 / seconds),
    p50: median(runs.map((r) => r.latency.p50)),
    p975: Math.max(...runs.map((r) => r.latency.p97_5)),
    p99: Math.max(...runs.map((r) => r.latency.p99)),
    errors: runs.reduce((sum, r) => sum + r.errors + r.timeouts, 0),
    non2xx: runs.reduce((sum, r) => sum + r.non2xx - r['3xx'], 0),
    ratioToFloor: null,
    note: `${counts.confirmed} confirmed / ${counts.waitlisted} waitlisted`,
  });
  return { ...counts, answered, exact: ok };
}

/**
 * The two reads partners' and the city's systems make most, with an API token: one event, and a
 * page of 100 of its registrations (registered through the API first).
 */
async function apiReads(server: ServerProcess, token: string) {
  const event = await createEvent(server, token, `api-${Date.now()}`, null);
  for (let n = 0; n < 100; n++) {
    await api(server, token, 'POST', `/api/v1/events/${event.id}/registrations`, {
      firstName: 'Bench',
      lastName: `Lecture ${n}`,
      email: `api-${n}@bench.test`,
      organisation: "Banc d'essai",
      structureType: ['travailleur-social', 'association', 'bailleur-social', 'collectivite'][n % 4],
      consent: true,
    });
  }
  const headers = { authorization: `Bearer ${token}` };
  await load('API GET /api/v1/events/:id', { url: `${server.url}/api/v1/events/${event.id}`, headers });
  const list = await load('API registrations list, 100 items', {
    url: `${server.url}/api/v1/events/${event.id}/registrations?limit=100`,
    headers,
  });
  const page = (await api(server, token, 'GET', `/api/v1/events/${event.id}/registrations?limit=100`)) as {
    items: unknown[];
  };
  if (page.items.length !== 100) throw new Error(`the list gave ${page.items.length} items, not 100`);
  list.note = '100 items a page';
}

async function registerScenario(servers: ServerProcess[], token: string, label: string, connections = CONNECTIONS) {
  const event = await createEvent(servers[0], token, `register-${slugify(label)}-${Date.now()}`, null);
  const sessions = await Promise.all(servers.map((s) => formSession(`${s.url}/e/${event.slug}/register`)));
  const before = (await countStatuses(servers[0], token, event.id)).total;
  const runs = await Promise.all(
    servers.map((server, i) =>
      autocannon({
        url: server.url,
        connections: Math.max(1, connections / servers.length),
        duration: DURATION,
        requests: [registerRequests(event, sessions[i], `reg-${slugify(label)}`)],
      }),
    ),
  );
  const stored = (await countStatuses(servers[0], token, event.id)).total - before;
  const answered = runs.reduce((sum, r) => sum + r['3xx'] + r['2xx'], 0);
  const rps = runs.reduce((sum, r) => sum + r.requests.average, 0);
  // Requests still in flight when the run stops are stored but their answers are not counted:
  // at most one per connection. A lost registration would show as stored < answered.
  const inFlight = stored - answered;
  const ok = inFlight >= 0 && inFlight <= connections;
  if (connections === 1) label = `${label}, one at a time`;
  const line = `${label}: ${answered} registrations answered with success, ${stored} stored (${ok ? `none lost; ${inFlight} were in flight at the end` : 'MISMATCH'})`;
  console.log(line);
  notes.push(line);
  results.push({
    scenario: `register (${label})`,
    requestsPerSecond: Math.round(rps),
    p50: median(runs.map((r) => r.latency.p50)),
    p975: Math.max(...runs.map((r) => r.latency.p97_5)),
    p99: Math.max(...runs.map((r) => r.latency.p99)),
    errors: runs.reduce((sum, r) => sum + r.errors + r.timeouts, 0),
    non2xx: runs.reduce((sum, r) => sum + r.non2xx - r['3xx'], 0),
    ratioToFloor: floorRps ? Math.round((rps / floorRps) * 1000) / 1000 : null,
  });
  return { answered, stored, ok };
}

function peakMemoryMb(server: ServerProcess): number | null {
  try {
    const status = readFileSync(`/proc/${server.child.pid}/status`, 'utf8');
    const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1]);
    return Math.round(kb / 1024);
  } catch {
    return null;
  }
}

/** The service as production runs it: compiled once per bench run (`npm run build`), then `node dist/src/server.js`. */
let built = false;
async function startAtelier(env: Record<string, string>) {
  if (!built) {
    const { execFileSync } = await import('node:child_process');
    execFileSync('npm', ['run', 'build', '--silent'], { stdio: 'inherit' });
    built = true;
  }
  const nodeArgs = flags['service-node-args']?.split(' ').filter(Boolean) ?? [];
  return startServer(
    { NODE_ENV: 'production', LOG_LEVEL: 'warn', SESSION_SECRET, ...env },
    undefined,
    'dist/src/server.js',
    [...nodeArgs, ...(flags.profile ? ['--cpu-prof', `--cpu-prof-dir=${flags.profile}`] : [])],
  );
}

async function provision(_server: ServerProcess, env: Record<string, string>) {
  const { execFileSync } = await import('node:child_process');
  const run = (...args: string[]) =>
    execFileSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
      env: { ...process.env, ...env, LOG_LEVEL: 'silent' },
    })
      .toString()
      .trim();
  run('create-organiser', '--email', 'bench@atelier.test', '--password', 'bench-password-long');
  const token = run('create-token', '--email', 'bench@atelier.test');
  const slug = run('demo');
  return { token, slug };
}

async function freshPostgres(name: string): Promise<string> {
  const server = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  await admin.query(`drop database if exists ${name} with (force)`);
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(server);
  url.pathname = `/${name}`;
  return url.toString();
}

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'atelier-bench-'));
  const stopping: (() => Promise<void>)[] = [];
  const previous = readPrevious();
  try {
    if (runs('floor')) {
      const floor = await startServer({}, undefined, 'bench/floor.ts');
      stopping.push(() => floor.stop());
      floorRps = (await load('floor (bare Fastify route)', { url: floor.url, connections: CONNECTIONS }))
        .requestsPerSecond;
      results[0].ratioToFloor = 1;
      await floor.stop();
    }

    let contendedSqlite = null;
    let memory = null;
    if (runs('page') || runs('api') || runs('register') || runs('contended')) {
      const env = { DATA_DIR: dataDir, DATABASE_URL: join(dataDir, 'bench.sqlite') };
      const atelier = await startAtelier(env);
      stopping.push(() => atelier.stop());
      const { token, slug } = await provision(atelier, env);

      if (runs('page'))
        await load('event page GET /e/:slug/register', {
          url: `${atelier.url}/e/${slug}/register`,
          connections: CONNECTIONS,
        });
      if (runs('api')) await apiReads(atelier, token);
      if (runs('register')) {
        await registerScenario([atelier], token, 'SQLite', 1);
        await registerScenario([atelier], token, 'SQLite');
      }
      if (runs('contended')) contendedSqlite = await contended([atelier], token, 'SQLite');
      memory = peakMemoryMb(atelier);
      await atelier.stop();
    }

    let contendedPg = null;
    if (flags.postgres && (runs('register') || runs('contended'))) {
      for (const instances of [1, 2]) {
        const pgEnv = {
          DATA_DIR: dataDir,
          DATABASE_URL: await freshPostgres(`atelier_bench_${instances}`),
          SESSION_SECRET,
        };
        const servers = await Promise.all(Array.from({ length: instances }, () => startAtelier(pgEnv)));
        stopping.push(...servers.map((s) => () => s.stop()));
        const { token: pgToken } = await provision(servers[0], pgEnv);
        const label = `PostgreSQL, ${instances} instance${instances > 1 ? 's' : ''}`;
        if (runs('register')) await registerScenario(servers, pgToken, label);
        if (runs('contended')) contendedPg = await contended(servers, pgToken, label);
        await Promise.all(servers.map((s) => s.stop()));
      }
    }

    // In-process cases: statements per registration, the report of large events, the group assignment.
    const statements = runs('statements') ? await benchStatements() : [];
    const reports = runs('report') ? await benchReport(quick ? [1000] : [10000, 100000]) : [];
    const assignments = runs('assignment') ? await benchAssignment(quick ? [200] : [1000, 10000]) : [];
    const networks = runs('network') ? await benchNetwork(quick ? [2000] : [20000]) : [];

    printTable();
    if (statements.length) {
      console.log('\nSQL statements (SQLite, in process)');
      printStatements(statements);
    }
    if (reports.length) console.log('\nreport (SQLite, seeded directly)');
    for (const r of reports) {
      console.log(
        `  ${r.registrations} registrations: report page ${r.pageMs} ms, breakdown API ${r.apiMs} ms, CSV ${r.csvMs} ms (${r.csvMb} MB, peak RSS ${r.csvRssPeakMb} MB), XLSX ${r.xlsxMs} ms (peak RSS ${r.xlsxRssPeakMb} MB)`,
      );
    }
    if (assignments.length) console.log('group assignment');
    for (const a of assignments) {
      console.log(
        `  ${a.people} people, ${a.groups} groups, ${a.types} types: ${a.ms} ms, largest gap to fair share ${a.maxGap.toFixed(2)}, first choices ${a.firstChoice}`,
      );
    }
    console.log('network statistics (SQLite, seeded directly; the brief asks for under 1 s)');
    for (const n of networks) {
      console.log(
        `  ${n.events} events, ${n.registrations} registrations, ${n.structures} structures: page ${n.pageMs} ms, API ${n.apiMs} ms, directory ${n.directoryMs} ms`,
      );
    }
    const report = {
      machine: {
        cpus: cpus().length,
        cpu: cpus()[0]?.model,
        memoryGb: Math.round(totalmem() / 2 ** 30),
        node: process.version,
        loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
      },
      date: new Date().toISOString(),
      quick,
      only: flags.only ?? null,
      serviceNodeArgs: flags['service-node-args'] ?? null,
      durationSeconds: DURATION,
      connections: CONNECTIONS,
      results,
      notes,
      peakMemoryMb: memory,
      contended: { sqlite: contendedSqlite, postgres: contendedPg },
      statements: statements.map(({ log: _log, ...count }) => count),
      reports,
      assignments,
      networks,
    };
    if (memory !== null) console.log(`peak memory of the service (SQLite run): ${memory} MB`);
    console.log(`load average when the run ended: ${report.machine.loadAverage.join(', ')} (${cpus().length} cores)`);
    if (previous) compare(previous, report);
    writeFileSync(
      flags.out ??
        (quick || flags.only || flags['service-node-args']
          ? join(tmpdir(), 'atelier-bench-results.json')
          : 'bench/results.json'),
      `${JSON.stringify(report, null, 2)}\n`,
    );
    if (contendedSqlite?.exact === false || contendedPg?.exact === false) process.exitCode = 1;
  } finally {
    await Promise.all(stopping.map((stop) => stop().catch(() => undefined)));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

interface PreviousRun {
  date: string;
  results: HttpResult[];
  statements?: Omit<StatementCount, 'log'>[];
  peakMemoryMb: number | null;
}

function readPrevious(): PreviousRun | null {
  try {
    return JSON.parse(readFileSync('bench/results.json', 'utf8')) as PreviousRun;
  } catch {
    return null;
  }
}

/**
 * Compares this run with the previous results.json: a scenario is slower when its throughput relative
 * to the floor (or, without a floor, its requests a second) fell by more than a tenth, or its p99 grew
 * by more than a tenth; a case that takes more statements is named too.
 */
function compare(before: PreviousRun, now: { results: HttpResult[]; statements: Omit<StatementCount, 'log'>[] }) {
  console.log(`\ncompared with the previous bench/results.json (${before.date}):`);
  const slower: string[] = [];
  for (const r of now.results) {
    const old = before.results.find((b) => b.scenario === r.scenario);
    if (!old) continue;
    const useRatio = r.ratioToFloor !== null && old.ratioToFloor !== null && r.ratioToFloor !== 1;
    const [a, b] = useRatio
      ? [old.ratioToFloor ?? 0, r.ratioToFloor ?? 0]
      : [old.requestsPerSecond, r.requestsPerSecond];
    const unit = useRatio ? '× floor' : 'req/s';
    console.log(`  ${r.scenario}: ${a} → ${b} ${unit}, p99 ${old.p99} → ${r.p99} ms`);
    if (b < a * 0.9) slower.push(`${r.scenario} (${unit} ${a} → ${b})`);
    if (r.p99 > old.p99 * 1.1 && r.p99 - old.p99 > 2) slower.push(`${r.scenario} (p99 ${old.p99} → ${r.p99} ms)`);
  }
  for (const s of now.statements) {
    const old = before.statements?.find((b) => b.case.split(' (')[0] === s.case.split(' (')[0]);
    if (!old) continue;
    console.log(
      `  ${s.case}: ${old.statements} → ${s.statements} statements, ${old.transactions} → ${s.transactions} transactions`,
    );
    if (s.statements > old.statements) slower.push(`${s.case} (${old.statements} → ${s.statements} statements)`);
  }
  console.log(slower.length ? `  slower: ${slower.join('; ')}` : '  nothing got slower');
}

function printTable() {
  const rows = results.map((r) => [
    r.scenario,
    String(r.requestsPerSecond),
    `${r.p50}`,
    `${r.p975}`,
    `${r.p99}`,
    String(r.errors + r.non2xx),
    r.ratioToFloor === null ? '' : r.ratioToFloor.toFixed(3),
  ]);
  const header = ['scenario', 'req/s', 'p50 ms', 'p97.5 ms', 'p99 ms', 'errors', '× floor'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`);
  for (const row of rows) console.log(line(row));
}

await main();
