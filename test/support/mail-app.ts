import { createMailTransport, drainOutbox } from '../../src/mail/outbox.worker.js';
import { type TestContext, buildTestApp } from './app.js';
import { TestSmtpServer } from './smtp.js';

/**
 * A test app whose emails go to a real SMTP server, sent only when the test says so (no worker):
 * `deliverNew()` sends what the outbox holds and waits until the server has received it.
 */
export async function buildMailTestApp(t: TestContext, env: Record<string, string> = {}) {
  const smtp = await TestSmtpServer.start();
  t.teardown(() => smtp.stop());
  const built = await buildTestApp(t, {
    SMTP_URL: smtp.url,
    MAIL_FROM: 'atelier@atelier.test',
    MAIL_WORKER: 'false',
    ...env,
  });
  const transport = createMailTransport(built.config.mail);
  t.teardown(() => transport.close?.());
  async function deliverNew() {
    const before = smtp.received.length;
    const result = await drainOutbox(built.orm, transport);
    await smtp.waitFor(before + result.sent);
    return result;
  }
  return { ...built, smtp, transport, deliverNew };
}
