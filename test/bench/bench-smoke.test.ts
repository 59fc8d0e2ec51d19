import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';

// The benchmark harness itself, in its quick smoke mode: it must run end to end, and the contended
// scenario must confirm exactly the number of seats. Its speed figures are not checked here.
const dir = mkdtempSync(join(tmpdir(), 'atelier-bench-test-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

// The bench runs its own SQLite databases whatever the suite's database: the PostgreSQL run of the
// suite (TEST_DATABASE_URL) would only run it a second time.
const skip = process.env.TEST_DATABASE_URL ? 'the bench runs on SQLite: checked in the SQLite run of the suite' : false;

t.test('npm run bench -- --quick runs every scenario and never overbooks', { timeout: 300_000, skip }, async (t) => {
  const out = join(dir, 'results.json');
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', 'bench/run.ts', '--quick', '--out', out],
    { maxBuffer: 10 * 1024 * 1024 },
  );
  t.match(stdout, '| scenario');
  const report = JSON.parse(readFileSync(out, 'utf8'));
  const scenarios = report.results.map((r: { scenario: string }) => r.scenario);
  for (const name of [
    'floor (bare Fastify route)',
    'event page GET /e/:slug/register',
    'register (SQLite)',
    'register, contended (SQLite)',
  ])
    t.ok(scenarios.includes(name), name);
  t.same(
    { confirmed: report.contended.sqlite.confirmed, waitlisted: report.contended.sqlite.waitlisted },
    { confirmed: 50, waitlisted: 150 },
  );
  t.equal(report.contended.sqlite.total, 200, 'every attempt stored once');
  t.ok(
    report.contended.sqlite.answered <= report.contended.sqlite.total,
    'no registration answered with a success is missing',
  );
  t.ok(report.reports.length > 0 && report.assignments.length > 0, 'report and assignment cases ran');
  t.equal(report.assignments[0].maxGap < 1, true, 'the assignment case is balanced');
  const counted = report.statements.map((s: { case: string }) => s.case.split(' (')[0]);
  t.same(counted, ['register, API', 'register, public form', 'outbox worker, per email'], 'statements are counted');
  t.ok(
    report.statements.every((s: { statements: number }) => s.statements > 0),
    'each case sent statements',
  );
});
