import { ConfigError, loadConfig } from './config.js';
import { buildApp } from './app.js';
import { openDatabase } from './db/orm.js';

let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig();
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}

const orm = await openDatabase(config.database);
const app = await buildApp({ config, orm });
await app.listen({ port: config.port, host: config.host });
const shown = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
console.log(
  `Atelier is running: open http://${shown}:${(app.server.address() as { port: number }).port}/ (database: ${config.database.kind})`,
);
console.log(
  config.mail.smtpUrl
    ? `Emails are sent through ${new URL(config.mail.smtpUrl).host}${config.mail.worker ? '' : ' by other instances (MAIL_WORKER=false)'}`
    : `No SMTP_URL: emails are written to ${config.mail.outboxDir} (see /admin/emails)`,
);

// A stop drains: app.close() stops accepting connections, lets the requests in flight finish (the
// timeouts of Config.timeouts bound them), then closes the database (src/plugins/database.ts).
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, async () => {
    app.log.info({ signal }, 'shutting down');
    try {
      await app.close();
    } catch (error) {
      app.log.error({ err: error }, 'shutdown failed');
      process.exit(1);
    }
    process.exit(0);
  });
}
