import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from './config.js';
import { createOrganiserFromCli } from './access/setup.service.js';
import { backupDatabase } from './db/backup.js';
import { openDatabase } from './db/orm.js';
import { AppError } from './errors.js';
import { loadDemo } from './demo.js';
import { loadNetworkDemo } from './demo-network.js';
import { anonymiseExpired } from './privacy/privacy.service.js';
import { translator } from './i18n/i18n.js';
import { createApiToken } from './organisers/organiser.service.js';

const USAGE = `Usage: npm run cli -- <command> [options]

Commands:
  create-organiser --email E --password P [--name N]   create an organiser account (owner of any event that has none)
  create-token --email E [--label L]                   print a new API token for that organiser
  demo                                                 load the demo event (idempotent), print its slug
  backup PATH                                          write a consistent copy of the SQLite database to PATH (safe while running)
  anonymise-expired                                    anonymise now the registrations of events past their retention (the hourly job does it too)

The CLI reads the same environment as the server (DATABASE_URL, DATA_DIR, …).`;

const t = translator('en');

function describe(error: unknown): string {
  if (error instanceof AppError) {
    const details = error.details.map((d) => `  - ${d.field}: ${t(`errors.${d.code}`, d.params)}`).join('\n');
    return [t(`errors.${error.code}`, error.params), details].filter(Boolean).join('\n');
  }
  return error instanceof Error ? error.message : String(error);
}

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      email: { type: 'string' },
      password: { type: 'string' },
      name: { type: 'string' },
      label: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const command = positionals[0];
  if (!command || values.help) {
    console.log(USAGE);
    return command || values.help ? 0 : 2;
  }
  const config = loadConfig();
  const orm = await openDatabase(config.database);
  const em = orm.em.fork();
  try {
    switch (command) {
      case 'create-organiser': {
        if (!values.email || !values.password) throw new Error('create-organiser needs --email and --password');
        const organiser = await createOrganiserFromCli(em, {
          email: values.email,
          password: values.password,
          name: values.name,
        });
        console.log(`Organiser created: ${organiser.email}`);
        return 0;
      }
      case 'create-token': {
        if (!values.email) throw new Error('create-token needs --email');
        console.log(await createApiToken(em, values.email, values.label ?? 'cli'));
        return 0;
      }
      case 'backup': {
        if (!positionals[1]) throw new Error('backup needs a target file: npm run cli -- backup PATH');
        console.log(`Backup written to ${await backupDatabase(orm, config.database, positionals[1])}`);
        return 0;
      }
      case 'anonymise-expired': {
        const done = await anonymiseExpired(em, new Date(), { emlDir: config.mail.outboxDir });
        const count = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
        console.log(
          `Anonymised ${count(done.registrations, 'registration')} of ${count(done.events, 'event')}, deleted ${count(done.emails, 'email')}`,
        );
        return 0;
      }
      case 'demo': {
        const event = await loadDemo(em);
        await loadNetworkDemo(em);
        console.log(event.slug);
        return 0;
      }
      default:
        console.error(`Unknown command "${command}".\n\n${USAGE}`);
        return 2;
    }
  } finally {
    await orm.close(true);
  }
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : `Error: ${describe(error)}`);
  process.exitCode = 1;
}
