import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Config } from '../config.js';
import { scheduledJobs } from '../jobs/jobs.js';
import { JobScheduler } from '../jobs/scheduler.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The scheduled jobs' runner, or null when SCHEDULED_JOBS=false. */
    jobs: JobScheduler | null;
  }
}

/**
 * The scheduled jobs (src/jobs): checked when the service is ready and every minute after, stopped
 * (finishing the job in hand) on close. Every instance runs the scheduler; each job still runs
 * once per period in all, through its `job_run` row.
 */
export default fp(
  async function jobs(app: FastifyInstance, opts: { config: Config }) {
    const scheduler = opts.config.scheduledJobs
      ? new JobScheduler(
          app.orm,
          scheduledJobs({
            outboxDir: opts.config.mail.outboxDir,
            settings: { publicUrl: opts.config.publicUrl, from: opts.config.mail.from },
          }),
          { log: app.log },
        )
      : null;
    app.decorate('jobs', scheduler);
    if (!scheduler) return;
    app.addHook('onReady', async () => scheduler.start());
    app.addHook('preClose', async () => scheduler.stop());
  },
  { name: 'jobs', dependencies: ['database'] },
);
