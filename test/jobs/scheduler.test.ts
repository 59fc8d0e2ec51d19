import t from 'tap';
import { openDatabase } from '../../src/db/orm.js';
import { JobRun } from '../../src/jobs/job-run.entity.js';
import { type ScheduledJob, periodKey, runDueJobs } from '../../src/jobs/scheduler.js';
import { buildTestApp, testConfig } from '../support/app.js';

// Two instances on one database (PostgreSQL with TEST_DATABASE_URL, otherwise one SQLite file):
// two ORMs, each with its own connections, as two processes would have.
const config = await testConfig(t, { SCHEDULED_JOBS: 'false' });
const first = await openDatabase(config.database);
const second = await openDatabase(config.database);
t.teardown(async () => {
  await first.close(true);
  await second.close(true);
});

/** A job that counts its runs per period, and yields in the middle so the two instances overlap. */
function countingJob(name: string, period: ScheduledJob['period'] = 'hour') {
  const runs = new Map<string, number>();
  const job: ScheduledJob = {
    name,
    period,
    run: async (_orm, now) => {
      const key = periodKey(period, now);
      runs.set(key, (runs.get(key) ?? 0) + 1);
      await new Promise((resolve) => setTimeout(resolve, 20));
      return { runs: runs.get(key)! };
    },
  };
  return { job, runs };
}

t.test('two instances calling at once for the same period: the job runs exactly once', async (t) => {
  const { job, runs } = countingJob('concurrent');
  const hours = Array.from({ length: 12 }, (_, i) => new Date(Date.UTC(2027, 0, 1, i, 30)));
  for (const now of hours) {
    const outcomes = await Promise.all([
      runDueJobs(first, [job], now, { instance: 'instance-a' }),
      runDueJobs(second, [job], now, { instance: 'instance-b' }),
    ]);
    t.same(
      outcomes.map((o) => o.concurrent).sort(),
      ['ran', 'skipped'],
      `one ran, one skipped at ${now.toISOString()}`,
    );
  }
  t.same(
    [...runs.values()],
    hours.map(() => 1),
    'once per period, never twice',
  );
  const rows = await first.em.fork().find(JobRun, { name: 'concurrent' }, { orderBy: { periodKey: 'asc' } });
  t.same(
    rows.map((r) => r.periodKey),
    hours.map((h) => periodKey('hour', h)),
    'one row per period',
  );
  t.ok(
    rows.every((r) => r.finishedAt !== null && !r.failed && ['instance-a', 'instance-b'].includes(r.instance)),
    'each finished, with the instance that ran it',
  );
});

t.test('the next period runs again; a later call in the same period does not', async (t) => {
  const { job, runs } = countingJob('daily', 'day');
  t.same(await runDueJobs(first, [job], new Date('2027-02-01T08:00:00Z')), { daily: 'ran' });
  t.same(
    await runDueJobs(second, [job], new Date('2027-02-01T23:59:00Z')),
    { daily: 'skipped' },
    'same day, other instance',
  );
  t.same(await runDueJobs(first, [job], new Date('2027-02-02T00:01:00Z')), { daily: 'ran' }, 'next day');
  t.same(Object.fromEntries(runs), { '2027-02-01': 1, '2027-02-02': 1 });
  t.same(await runDueJobs(first, [job], new Date('2027-06-01T00:00:00Z')), { daily: 'ran' });
  const rows = await first.em.fork().find(JobRun, { name: 'daily' });
  t.same(
    rows.map((r) => r.periodKey),
    ['2027-06-01'],
    'runs older than 90 days are deleted',
  );
});

t.test('a failing job is recorded as failed, and waits for the next period', async (t) => {
  let calls = 0;
  const job: ScheduledJob = {
    name: 'broken',
    period: 'hour',
    run: async () => {
      calls += 1;
      throw new Error('disk full');
    },
  };
  const now = new Date('2027-03-01T10:00:00Z');
  t.same(await runDueJobs(first, [job], now), { broken: 'failed' });
  t.same(await runDueJobs(second, [job], now), { broken: 'skipped' });
  t.equal(calls, 1);
  const row = await first.em.fork().findOneOrFail(JobRun, { name: 'broken' });
  t.equal(row.failed, true);
  t.match(row.outcome, 'disk full');
});

t.test('the service runs its scheduled jobs when it starts, unless SCHEDULED_JOBS=false', async (t) => {
  const { app, orm } = await buildTestApp(t);
  await app.ready();
  await app.jobs!.idle();
  const row = await orm.em.fork().findOne(JobRun, { name: 'retention' });
  t.ok(row, 'the retention job ran for this hour');
  t.equal(row?.periodKey, periodKey('hour', row!.startedAt));
  t.same(JSON.parse(row!.outcome ?? '{}'), { events: 0, registrations: 0, emails: 0, accountEmails: 0 });

  const off = await buildTestApp(t, { SCHEDULED_JOBS: 'false' });
  await off.app.ready();
  t.equal(off.app.jobs, null);
  t.equal(await off.orm.em.fork().count(JobRun, {}), 0, 'nothing ran');
});
