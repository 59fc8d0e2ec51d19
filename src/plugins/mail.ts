import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Config } from '../config.js';
import type { MailSettings } from '../mail/outbox.service.js';
import { type MailTransport, OutboxWorker, createMailTransport } from '../mail/outbox.worker.js';

export interface MailRuntime {
  /** What services need to write emails (pass it as `mail` to register, cancel, updateEvent…). */
  settings: MailSettings;
  /** 'smtp' with SMTP_URL, otherwise 'files': emails are written to `outboxDir`. */
  mode: 'smtp' | 'files';
  outboxDir: string;
  transport: MailTransport;
  /** The background sender, or null when MAIL_WORKER=false. */
  worker: OutboxWorker | null;
}

declare module 'fastify' {
  interface FastifyInstance {
    mail: MailRuntime;
  }
}

/**
 * The mail transport and the outbox worker: it starts when the service is ready, is woken after
 * every request that may have queued emails, and stops (finishing the message in hand) on close.
 */
export default fp(
  async function mail(app: FastifyInstance, opts: { config: Config }) {
    const { config } = opts;
    const transport = createMailTransport(config.mail);
    const worker = config.mail.worker ? new OutboxWorker(app.orm, transport, { log: app.log }) : null;
    app.decorate('mail', {
      settings: { publicUrl: config.publicUrl, from: config.mail.from },
      mode: config.mail.smtpUrl ? 'smtp' : 'files',
      outboxDir: config.mail.outboxDir,
      transport,
      worker,
    } satisfies MailRuntime);
    app.addHook('preClose', async () => {
      await worker?.stop();
      transport.close?.();
    });
    if (!worker) return;
    app.addHook('onReady', async () => worker.start());
    app.addHook('onResponse', async (request) => {
      if (request.method !== 'GET' && request.method !== 'HEAD') worker.wake();
    });
  },
  { name: 'mail', dependencies: ['database'] },
);
