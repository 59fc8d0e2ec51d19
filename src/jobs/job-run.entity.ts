import { type InferEntity, defineEntity, p } from '@mikro-orm/core';

/**
 * One run of a scheduled job for one period (e.g. `retention` for the hour `2026-11-29T10`).
 * The unique (name, period) pair is the lock: of several instances on one database, only the one
 * whose insert succeeds runs the job for that period.
 */
export const JobRun = defineEntity({
  name: 'JobRun',
  tableName: 'job_run',
  uniques: [{ properties: ['name', 'periodKey'], name: 'job_run_name_period_unique' }],
  properties: {
    id: p.integer().primary().autoincrement(),
    name: p.string().length(64),
    periodKey: p.string().length(32),
    /** Which process ran it (host and pid), to read the logs of the right instance. */
    instance: p.string().length(200),
    startedAt: p.datetime(),
    finishedAt: p.datetime().nullable(),
    /** What the job reported (counts, never personal data), or the error if it failed. */
    outcome: p.text().nullable(),
    failed: p.boolean().default(false),
  },
});

export type JobRun = InferEntity<typeof JobRun>;
