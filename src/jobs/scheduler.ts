import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { hostname } from 'node:os';
import type { Orm } from '../db/orm.js';
import { JobRun } from './job-run.entity.js';

/**
 * Scheduled jobs (the retention job, later reminders) run once per period whatever the number of
 * instances on the database: before running a job, an instance inserts a `job_run` row for the job
 * and the current period; the pair is unique, so exactly one insert succeeds and only that instance
 * runs the job. The others get a unique-constraint violation and skip it until the next period.
 * A run that crashes leaves its row behind, so the job waits for the next period: every job must
 * therefore be idempotent and catch up on whatever earlier periods left undone.
 */
export interface ScheduledJob {
  /** Stable name, the first half of the lock (at most 64 characters). */
  name: string;
  /** Runs once per UTC hour or once per UTC day. */
  period: 'hour' | 'day';
  /** The work; what it returns (counts, never personal data) is stored on the run's row. */
  run(orm: Orm, now: Date): Promise<Record<string, number> | undefined>;
}

/** The period `now` falls in, e.g. `2026-11-29T10` (hour) or `2026-11-29` (day), in UTC. */
export function periodKey(period: ScheduledJob['period'], now: Date): string {
  return now.toISOString().slice(0, period === 'hour' ? 13 : 10);
}

export type JobOutcome = 'ran' | 'skipped' | 'failed';

export interface RunOptions {
  /** Names this process on the run's row (default: host name and process id). */
  instance?: string;
  log?: { info(obj: object, msg: string): void; error(obj: object, msg: string): void };
}

/** Rows older than this are deleted by the next run of the same job: the table stays small. */
const KEEP_RUNS_MS = 90 * 24 * 3600_000;

const defaultInstance = () => `${hostname()}:${process.pid}`.slice(0, 200);

/** Claims the job's period: true for the one instance whose row went in. */
async function claim(orm: Orm, job: ScheduledJob, key: string, now: Date, instance: string): Promise<boolean> {
  const em = orm.em.fork();
  // Most ticks find the period already taken: a read spares the database a failing insert (and its log line).
  if (await em.count(JobRun, { name: job.name, periodKey: key })) return false;
  try {
    await em.insert(JobRun, {
      name: job.name,
      periodKey: key,
      instance,
      startedAt: now,
      finishedAt: null,
      outcome: null,
      failed: false,
    });
    return true;
  } catch (error) {
    if (error instanceof UniqueConstraintViolationException) return false;
    throw error;
  }
}

/** Runs each job whose current period no instance has claimed yet; returns what happened to each. */
export async function runDueJobs(
  orm: Orm,
  jobs: ScheduledJob[],
  now: Date = new Date(),
  options: RunOptions = {},
): Promise<Record<string, JobOutcome>> {
  const outcomes: Record<string, JobOutcome> = {};
  for (const job of jobs) {
    const key = periodKey(job.period, now);
    if (!(await claim(orm, job, key, now, options.instance ?? defaultInstance()))) {
      outcomes[job.name] = 'skipped';
      continue;
    }
    let failed = false;
    let outcome: string;
    try {
      outcome = JSON.stringify((await job.run(orm, now)) ?? {});
      options.log?.info({ job: job.name, period: key, outcome }, 'scheduled job done');
    } catch (error) {
      failed = true;
      outcome = error instanceof Error ? error.message.slice(0, 2000) : String(error);
      options.log?.error({ job: job.name, period: key, err: error }, 'scheduled job failed');
    }
    const em = orm.em.fork();
    await em.nativeUpdate(JobRun, { name: job.name, periodKey: key }, { finishedAt: new Date(), outcome, failed });
    await em.nativeDelete(JobRun, { name: job.name, startedAt: { $lt: new Date(now.getTime() - KEEP_RUNS_MS) } });
    outcomes[job.name] = failed ? 'failed' : 'ran';
  }
  return outcomes;
}

export interface SchedulerOptions extends RunOptions {
  /** How often to look for due jobs; a job runs at the first tick of its period on any instance. */
  intervalMs?: number;
}

/** Runs runDueJobs in the background: at start, then every `intervalMs`. One pass at a time. */
export class JobScheduler {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = true;

  constructor(
    private readonly orm: Orm,
    private readonly jobs: ScheduledJob[],
    private readonly options: SchedulerOptions = {},
  ) {}

  start() {
    if (!this.stopped) return;
    this.stopped = false;
    this.timer = setInterval(() => this.tick(), this.options.intervalMs ?? 60_000);
    this.timer.unref();
    this.tick();
  }

  private tick() {
    if (this.stopped || this.running) return;
    this.running = runDueJobs(this.orm, this.jobs, new Date(), this.options)
      .then(() => undefined)
      .catch((error) => this.options.log?.error({ err: error }, 'scheduler error'))
      .finally(() => {
        this.running = null;
      });
  }

  /** The pass in progress, if any (tests wait for it). */
  idle(): Promise<void> {
    return this.running ?? Promise.resolve();
  }

  /** Stops ticking and waits for the job in hand to finish. */
  async stop() {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }
}
