import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';
import { teamOf } from '../src/access/access.service.js';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/orm.js';
import { Event } from '../src/events/event.entity.js';

const run = promisify(execFile);
const dataDir = mkdtempSync(join(tmpdir(), 'atelier-cli-'));
const env = { ...process.env, DATA_DIR: dataDir, DATABASE_URL: join(dataDir, 'cli.sqlite'), LOG_LEVEL: 'silent' };

async function cli(...args: string[]) {
  return cliIn(env, ...args);
}

async function cliIn(env: NodeJS.ProcessEnv, ...args: string[]) {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
      env,
      cwd: process.cwd(),
    });
    return { code: 0, stdout: stdout.trim(), stderr: stderr.trim() };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout.trim(), stderr: e.stderr.trim() };
  }
}

t.test('create an organiser, a token that works on the API, and the demo event', async (t) => {
  const bad = await cli('create-organiser', '--email', 'pas-une-adresse', '--password', 'x');
  t.equal(bad.code, 1);
  t.match(bad.stderr, 'email');
  const created = await cli('create-organiser', '--email', 'orga@alisee.fr', '--password', 'mot-de-passe-long');
  t.equal(created.code, 0, created.stderr);
  t.match(created.stdout, 'orga@alisee.fr');

  const token = await cli('create-token', '--email', 'orga@alisee.fr');
  t.equal(token.code, 0, token.stderr);
  t.match(token.stdout, /^atl_[A-Za-z0-9_-]{43}$/);
  const unknown = await cli('create-token', '--email', 'personne@nulle-part.fr');
  t.equal(unknown.code, 1);
  t.match(unknown.stderr, 'No organiser');

  const first = await cli('demo');
  const second = await cli('demo');
  t.equal(first.code, 0, first.stderr);
  t.equal(first.stdout, 'atelier-de-la-solidarite');
  t.equal(second.stdout, first.stdout, 'idempotent');

  const config = loadConfig(env);
  const orm = await openDatabase(config.database);
  const app = await buildApp({ config, orm, logger: false });
  t.teardown(() => app.close());
  const events = await app.inject({
    method: 'GET',
    url: '/api/v1/events',
    headers: { authorization: `Bearer ${token.stdout}` },
  });
  t.equal(events.statusCode, 200);
  // This year's workshop, plus last year's and a working group for the network's statistics.
  t.equal(events.json().total, 3, 'the demo events once each, however often it is loaded');
  const demo = events.json().items.find((e: { slug: string }) => e.slug === 'atelier-de-la-solidarite');
  t.equal(demo.sessions.filter((s: { kind: string }) => s.kind === 'breakout').length, 4);
  t.equal(demo.sessions.filter((s: { kind: string }) => s.kind === 'plenary').length, 1);
  t.equal(
    (await app.inject({ method: 'GET', url: `/e/${demo.slug}/register` })).statusCode,
    200,
    'open for registration',
  );
});

t.test('with several organisers, the demo event is owned by the first one only', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'atelier-cli-'));
  const here = { ...env, DATA_DIR: dir, DATABASE_URL: join(dir, 'cli.sqlite') };
  for (const email of ['premiere@alisee.fr', 'deuxieme@alisee.fr', 'troisieme@alisee.fr']) {
    const created = await cliIn(here, 'create-organiser', '--email', email, '--password', 'mot-de-passe-long');
    t.equal(created.code, 0, created.stderr);
  }
  const demo = await cliIn(here, 'demo');
  t.equal(demo.code, 0, demo.stderr);
  const orm = await openDatabase(loadConfig(here).database);
  t.teardown(() => orm.close(true));
  const em = orm.em.fork();
  const event = await em.findOneOrFail(Event, { slug: demo.stdout });
  const team = await teamOf(em, event);
  t.same(
    team.map((m) => [m.organiser.email, m.role]),
    [['premiere@alisee.fr', 'owner']],
    'the first organiser owns it; the others are not on its team',
  );
});

t.test('usage and unknown commands', async (t) => {
  const help = await cli('--help');
  t.equal(help.code, 0);
  t.match(help.stdout, 'create-organiser');
  for (const name of ['frobnicate', 'constructor', 'toString']) {
    const unknown = await cliIn({ ...env, DATABASE_URL: join(dataDir, 'never-opened', 'x.sqlite') }, name);
    t.equal(unknown.code, 2, name);
    t.match(unknown.stderr, `Unknown command "${name}"`);
  }
  t.notOk(existsSync(join(dataDir, 'never-opened')), 'a mistyped command does not open (or create) the database');
});

t.test('a wrong environment is reported plainly', async (t) => {
  const { code, stderr } = await (async () => {
    try {
      await run(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'demo'], { env: { ...env, PORT: 'abc' } });
      return { code: 0, stderr: '' };
    } catch (error) {
      return error as { code: number; stderr: string };
    }
  })();
  t.equal(code, 1);
  t.match(stderr, 'PORT must be a whole number');
});
