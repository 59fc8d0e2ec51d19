import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { buildApp } from '../../src/app.js';
import { type Config, loadConfig } from '../../src/config.js';
import { type Orm, openDatabase } from '../../src/db/orm.js';

export interface TestContext {
  teardown(fn: () => unknown): void;
}

export interface TestApp {
  app: FastifyInstance;
  orm: Orm;
  config: Config;
  dataDir: string;
}

export const PUBLIC_URL = 'http://atelier.test';

/**
 * A fresh database for one test file: a SQLite file in its own folder, or, when TEST_DATABASE_URL
 * points at PostgreSQL, a new database on that server (dropped afterwards), so files run in parallel.
 */
export async function freshDatabaseUrl(t: TestContext, dataDir: string): Promise<string> {
  const server = process.env.TEST_DATABASE_URL;
  if (!server) return join(dataDir, 'atelier.sqlite');
  const name = `atelier_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  t.teardown(async () => {
    const cleanup = new pg.Client({ connectionString: server });
    await cleanup.connect();
    await cleanup.query(`drop database if exists ${name} with (force)`);
    await cleanup.end();
  });
  const url = new URL(server);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * Tests post forms the instant they get them and send many requests from one address: the spam
 * guard's minimum fill time and the rate limits are off unless a test sets them.
 */
export const UNGUARDED = {
  FORM_MIN_FILL_SECONDS: '0',
  RATE_LIMIT_REGISTER: '0',
  RATE_LIMIT_API_REGISTER: '0',
  RATE_LIMIT_LOGIN: '0',
};

/** A config on a fresh, private data folder and database (one per test file). */
export async function testConfig(t: TestContext, env: Record<string, string> = {}): Promise<Config> {
  const dataDir = mkdtempSync(join(tmpdir(), 'atelier-test-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  const databaseUrl = env.DATABASE_URL ?? (await freshDatabaseUrl(t, dataDir));
  return loadConfig({
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    PUBLIC_URL,
    ...UNGUARDED,
    ...env,
    DATABASE_URL: databaseUrl,
  });
}

/** The whole service on a fresh database, closed when the test ends. */
export async function buildTestApp(t: TestContext, env: Record<string, string> = {}): Promise<TestApp> {
  const config = await testConfig(t, env);
  const orm = await openDatabase(config.database);
  const app = await buildApp({ config, orm, logger: false });
  t.teardown(() => app.close());
  return { app, orm, config, dataDir: config.dataDir };
}

/**
 * A browser in miniature over `app.inject`: keeps cookies, reads the CSRF token from the page,
 * and posts forms as `application/x-www-form-urlencoded`, the way a browser without JavaScript does.
 */
export class Browser {
  private cookies = new Map<string, string>();
  constructor(
    private readonly app: FastifyInstance,
    private readonly headers: Record<string, string> = {},
  ) {}

  async request(options: InjectOptions): Promise<LightMyRequestResponse> {
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const response = await this.app.inject({
      ...options,
      headers: { ...this.headers, ...(cookie ? { cookie } : {}), ...(options.headers ?? {}) },
    });
    const setCookie = response.headers['set-cookie'] ?? [];
    for (const header of Array.isArray(setCookie) ? setCookie : [setCookie]) {
      const [pair] = header.split(';');
      const eq = pair.indexOf('=');
      this.cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
    return response;
  }

  get(url: string, headers: Record<string, string> = {}) {
    return this.request({ method: 'GET', url, headers });
  }

  /** Posts fields as a form; `_csrf` is taken from `fromPage` (fetched first) unless given. */
  async submit(
    fromPage: string,
    action: string,
    fields: Record<string, string | string[]>,
  ): Promise<LightMyRequestResponse> {
    const page = await this.get(fromPage);
    const token = csrfFrom(page.body);
    const nonce = formNonceFrom(page.body);
    return this.post(action, { _csrf: token, ...(nonce ? { _form: nonce } : {}), ...fields });
  }

  post(url: string, fields: Record<string, string | string[]>) {
    return this.request({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: formEncode(fields),
    });
  }
}

export function formEncode(fields: Record<string, string | string[]>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(fields))
    for (const v of Array.isArray(value) ? value : [value]) params.append(key, v);
  return params.toString();
}

export function csrfFrom(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match) throw new Error('no CSRF token on the page');
  return match[1];
}

/** The public registration form's nonce (src/registrations/form-nonce.ts), sent back like any hidden field. */
export function formNonceFrom(html: string): string | null {
  return /name="_form" value="([^"]+)"/.exec(html)?.[1] ?? null;
}

/** The text of an HTML fragment, tags removed and entities of the templates decoded. */
export function textOf(html: string): string {
  return html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

export const ORGANISER = { email: 'orga@ccas-angers.fr', password: 'un-mot-de-passe-solide' };

/** Creates the first organiser through the setup page and returns a signed-in browser. */
export async function signedInOrganiser(app: FastifyInstance): Promise<Browser> {
  const browser = new Browser(app);
  const response = await browser.submit('/setup', '/setup', {
    name: 'Organisatrice',
    email: ORGANISER.email,
    password: ORGANISER.password,
    passwordConfirmation: ORGANISER.password,
  });
  if (response.statusCode !== 303)
    throw new Error(`setup failed: ${response.statusCode} ${response.body.slice(0, 200)}`);
  return browser;
}
