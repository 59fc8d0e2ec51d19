import { type PurgeOptions, anonymiseExpired } from '../privacy/privacy.service.js';
import { sweepExpiredIdempotency } from '../registrations/idempotency.service.js';
import type { ScheduledJob } from './scheduler.js';

/** Anonymises the registrations of events past their retention, and purges their emails (README, Personal data). */
export function retentionJob(options: PurgeOptions = {}): ScheduledJob {
  return {
    name: 'retention',
    period: 'hour',
    run: async (orm, now) => ({ ...(await anonymiseExpired(orm.em.fork(), now, options)) }),
  };
}

/** Forgets the stored answers to double submits and Idempotency-Keys once their day is over (they hold personal data). */
export const idempotencySweepJob: ScheduledJob = {
  name: 'idempotency-sweep',
  period: 'hour',
  run: async (orm, now) => ({ deleted: await sweepExpiredIdempotency(orm.em.fork(), now) }),
};

/** Every job the service runs on a schedule; `outboxDir` holds the `.eml` copies of sent emails to purge with them. */
export function scheduledJobs({ outboxDir }: { outboxDir: string }): ScheduledJob[] {
  return [retentionJob({ emlDir: outboxDir }), idempotencySweepJob];
}
