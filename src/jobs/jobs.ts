import { queueDigests } from '../mail/organiser-notices.js';
import type { MailSettings } from '../mail/outbox.service.js';
import { queueDueReminders, queueThankYous } from '../mail/reminders.js';
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

/** Reminds confirmed attendees before their event (each one once; src/mail/reminders.ts). */
export const reminderJob = (settings: MailSettings): ScheduledJob => ({
  name: 'reminders',
  period: 'hour',
  run: async (orm, now) => ({ queued: await queueDueReminders(orm.em.fork(), settings, now) }),
});

/** Sends the organiser's thank-you to the people marked present, once the event is over. */
export const thankYouJob = (settings: MailSettings): ScheduledJob => ({
  name: 'thank-you',
  period: 'hour',
  run: async (orm, now) => ({ queued: await queueThankYous(orm.em.fork(), settings, now) }),
});

/** The organisers' daily digest of registrations and cancellations (src/mail/organiser-notices.ts). */
export const organiserDigestJob = (settings: MailSettings): ScheduledJob => ({
  name: 'organiser-digest',
  period: 'day',
  run: async (orm, now) => ({ queued: await queueDigests(orm.em.fork(), settings, now) }),
});

/**
 * Every job the service runs on a schedule; `outboxDir` holds the `.eml` copies of sent emails to
 * purge with them, `settings` what the emails of the jobs need (public address, sender).
 */
export function scheduledJobs({ outboxDir, settings }: { outboxDir: string; settings: MailSettings }): ScheduledJob[] {
  return [
    retentionJob({ emlDir: outboxDir }),
    idempotencySweepJob,
    reminderJob(settings),
    thankYouJob(settings),
    organiserDigestJob(settings),
  ];
}
