import { parseArgs } from 'node:util';
import { type Config, ConfigError, loadConfig } from './config.js';
import type { Orm } from './db/orm.js';
import { AppError } from './errors.js';
import { translator } from './i18n/i18n.js';

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
  const run = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (!run) {
    console.error(`Unknown command "${command}".\n\n${USAGE}`);
    return 2;
  }
  const config = loadConfig();
  // Loaded here rather than at the top: usage and a mistyped command answer at once.
  const { openDatabase } = await import('./db/orm.js');
  const orm = await openDatabase(config.database);
  try {
    console.log(await run({ orm, config, values, target: positionals[1] }));
    return 0;
  } finally {
    await orm.close(true);
  }
}

interface CommandInput {
  orm: Orm;
  config: Config;
  values: { email?: string; password?: string; name?: string; label?: string };
  target?: string;
}

/** Each command prints what it returns; each loads its own code. */
const COMMANDS: Record<string, (input: CommandInput) => Promise<string>> = {
  'create-organiser': async ({ orm, values }) => {
    if (!values.email || !values.password) throw new Error('create-organiser needs --email and --password');
    const { createOrganiserFromCli } = await import('./access/setup.service.js');
    const organiser = await createOrganiserFromCli(orm.em.fork(), {
      email: values.email,
      password: values.password,
      name: values.name,
    });
    return `Organiser created: ${organiser.email}`;
  },
  'create-token': async ({ orm, values }) => {
    if (!values.email) throw new Error('create-token needs --email');
    const { createApiToken } = await import('./organisers/organiser.service.js');
    return createApiToken(orm.em.fork(), values.email, values.label ?? 'cli');
  },
  backup: async ({ orm, config, target }) => {
    if (!target) throw new Error('backup needs a target file: npm run cli -- backup PATH');
    const { backupDatabase } = await import('./db/backup.js');
    return `Backup written to ${await backupDatabase(orm, config.database, target)}`;
  },
  'anonymise-expired': async ({ orm, config }) => {
    const { anonymiseExpired } = await import('./privacy/privacy.service.js');
    const done = await anonymiseExpired(orm.em.fork(), new Date(), { emlDir: config.mail.outboxDir });
    const count = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
    return `Anonymised ${count(done.registrations, 'registration')} of ${count(done.events, 'event')}, deleted ${count(done.emails, 'email')} of those events and ${count(done.accountEmails, 'account email')}`;
  },
  demo: async ({ orm }) => {
    const [{ loadDemo }, { loadNetworkDemo }] = await Promise.all([import('./demo.js'), import('./demo-network.js')]);
    const em = orm.em.fork();
    const event = await loadDemo(em);
    await loadNetworkDemo(em);
    return event.slug;
  },
};

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : `Error: ${describe(error)}`);
  process.exitCode = 1;
}
