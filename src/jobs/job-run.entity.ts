import { EntitySchema } from '@mikro-orm/core';

/**
 * One run of a scheduled job for one period (e.g. `retention` for the hour `2026-11-29T10`).
 * The unique (name, period) pair is the lock: of several instances on one database, only the one
 * whose insert succeeds runs the job for that period.
 */
export class JobRun {
  id!: number;
  name!: string;
  periodKey!: string;
  /** Which process ran it (host and pid), to read the logs of the right instance. */
  instance!: string;
  startedAt!: Date;
  finishedAt: Date | null = null;
  /** What the job reported (counts, never personal data), or the error if it failed. */
  outcome: string | null = null;
  failed = false;
}

export const JobRunSchema = new EntitySchema<JobRun>({
  class: JobRun,
  tableName: 'job_run',
  uniques: [{ properties: ['name', 'periodKey'], name: 'job_run_name_period_unique' }],
  properties: {
    id: { type: 'integer', primary: true, autoincrement: true },
    name: { type: 'string', length: 64 },
    periodKey: { type: 'string', length: 32 },
    instance: { type: 'string', length: 200 },
    startedAt: { type: 'datetime' },
    finishedAt: { type: 'datetime', nullable: true },
    outcome: { type: 'text', nullable: true },
    failed: { type: 'boolean', default: false },
  },
});
