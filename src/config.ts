import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

export type DatabaseKind = 'sqlite' | 'postgresql';

export interface Config {
  port: number;
  host: string;
  database: { kind: DatabaseKind; url: string };
  dataDir: string;
  publicUrl: string;
  sessionKey: Buffer;
  logLevel: string;
  trustProxy: boolean;
  mail: MailConfig;
  /** Whether this instance runs the scheduled jobs (SCHEDULED_JOBS); each job still runs once per period across instances. */
  scheduledJobs: boolean;
  /** Public-form spam guard: a submission sooner than this after the form was shown is refused (FORM_MIN_FILL_SECONDS). */
  formMinFillSeconds: number;
  /** PUBLIC_CACHE_SECONDS: how long a public page may show what another instance changed (this one's changes show at once). */
  publicCacheSeconds: number;
  /** Requests per minute and per client address; 0 turns a limit off (RATE_LIMIT_*). */
  rateLimits: { register: number; apiRegister: number; login: number };
  /** REDIS_URL: rate-limit counters shared by every instance; null counts per instance. */
  redisUrl: string | null;
  /** FRAME_ANCESTORS: the sites allowed to embed the pages (CSP frame-ancestors). */
  frameAncestors: string[];
  /**
   * Slow clients, in seconds. `request` (REQUEST_TIMEOUT_SECONDS, default 30): the whole request,
   * headers and body, must arrive within it, else 408 and the connection is closed; a form or API body
   * (at most 1 MiB) takes well under a second on a real connection. `connection`
   * (CONNECTION_TIMEOUT_SECONDS, default 60): a connection on which nothing moves for that long while
   * a request or response is under way is closed (e.g. a client that stops reading a download). Idle
   * keep-alive connections between requests follow Fastify's keepAliveTimeout (72 s) instead.
   */
  timeouts: { requestSeconds: number; connectionSeconds: number };
  /** MATERIALS_MAX_MB (default 20): the largest file organisers may attach to an event (src/materials), in MB. */
  materialsMaxMb: number;
}

export interface MailConfig {
  /** `smtp://` or `smtps://` URL of the mail server; null writes each email as a .eml file in `outboxDir` instead. */
  smtpUrl: string | null;
  /** The sender address (and default sender name) of every email, from MAIL_FROM. */
  from: { name: string; address: string };
  outboxDir: string;
  /** Whether this instance runs the background sender (MAIL_WORKER); the outbox is shared through the database. */
  worker: boolean;
}

export class ConfigError extends Error {}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Reads and validates the environment once; nothing else in the service reads process.env. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const problems: string[] = [];
  const port = parsePort(env.PORT ?? '3000', problems);
  const host = env.HOST?.trim() || '127.0.0.1';
  const dataDir = resolve(env.DATA_DIR?.trim() || './data');
  const database = parseDatabaseUrl(env.DATABASE_URL?.trim() || resolve(dataDir, 'atelier.sqlite'), problems);
  const publicUrl = parsePublicUrl(
    env.PUBLIC_URL?.trim() || `http://${host === '0.0.0.0' ? 'localhost' : host}:${port}`,
    problems,
  );
  const logLevel = (env.LOG_LEVEL?.trim() || 'info').toLowerCase();
  if (!LOG_LEVELS.includes(logLevel))
    problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got "${env.LOG_LEVEL}")`);
  const trustProxy = parseBoolean('TRUST_PROXY', env.TRUST_PROXY, false, problems);
  const mail = parseMail(env, dataDir, publicUrl, problems);
  const scheduledJobs = parseBoolean('SCHEDULED_JOBS', env.SCHEDULED_JOBS, true, problems);
  const formMinFillSeconds = parseCount('FORM_MIN_FILL_SECONDS', env.FORM_MIN_FILL_SECONDS, 3, problems);
  const publicCacheSeconds = parseSeconds('PUBLIC_CACHE_SECONDS', env.PUBLIC_CACHE_SECONDS, 1, problems);
  const rateLimits = {
    register: parseCount('RATE_LIMIT_REGISTER', env.RATE_LIMIT_REGISTER, 30, problems),
    apiRegister: parseCount('RATE_LIMIT_API_REGISTER', env.RATE_LIMIT_API_REGISTER, 120, problems),
    login: parseCount('RATE_LIMIT_LOGIN', env.RATE_LIMIT_LOGIN, 10, problems),
  };
  const redisUrl = parseRedisUrl(env.REDIS_URL, problems);
  const frameAncestors = parseFrameAncestors(env.FRAME_ANCESTORS, problems);
  const timeouts = {
    requestSeconds: parseSeconds('REQUEST_TIMEOUT_SECONDS', env.REQUEST_TIMEOUT_SECONDS, 30, problems),
    connectionSeconds: parseSeconds('CONNECTION_TIMEOUT_SECONDS', env.CONNECTION_TIMEOUT_SECONDS, 60, problems),
  };
  const materialsMaxMb = parseCount('MATERIALS_MAX_MB', env.MATERIALS_MAX_MB, 20, problems);
  if (materialsMaxMb < 1 || materialsMaxMb > 1000)
    problems.push(
      `MATERIALS_MAX_MB must be a whole number of megabytes from 1 to 1000 (got "${env.MATERIALS_MAX_MB}")`,
    );
  if (problems.length) throw new ConfigError(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  const sessionKey = loadSessionKey(env.SESSION_SECRET, dataDir);
  return {
    port,
    host,
    database,
    dataDir,
    publicUrl,
    sessionKey,
    logLevel,
    trustProxy,
    mail,
    scheduledJobs,
    formMinFillSeconds,
    publicCacheSeconds,
    rateLimits,
    redisUrl,
    frameAncestors,
    timeouts,
    materialsMaxMb,
  };
}

const ADDRESS = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+$/;

/** SMTP_URL (optional: without it emails are written to DATA_DIR/outbox), MAIL_FROM (required with SMTP_URL), MAIL_WORKER. */
function parseMail(env: NodeJS.ProcessEnv, dataDir: string, publicUrl: string, problems: string[]): MailConfig {
  const rawUrl = env.SMTP_URL?.trim() || '';
  let smtpUrl: string | null = null;
  if (rawUrl) {
    try {
      const url = new URL(rawUrl);
      if (!['smtp:', 'smtps:'].includes(url.protocol) || !url.hostname) throw new Error('protocol');
      smtpUrl = rawUrl;
    } catch {
      // The URL may carry a password: never print it.
      const shown = rawUrl.replace(/\/\/([^:/@]*):[^@/]*@/, '//$1:***@');
      problems.push(
        `SMTP_URL must be an smtp:// or smtps:// URL such as smtp://user:password@mail.example.org:587 (got "${shown}")`,
      );
    }
  }
  const worker = parseBoolean('MAIL_WORKER', env.MAIL_WORKER, true, problems);
  const outboxDir = resolve(dataDir, 'outbox');
  const rawFrom = env.MAIL_FROM?.trim() || '';
  if (!rawFrom) {
    if (rawUrl)
      problems.push(
        'MAIL_FROM is required when SMTP_URL is set: the sender address, e.g. "Atelier <atelier@example.org>"',
      );
    let host = '';
    try {
      host = new URL(publicUrl).hostname;
    } catch {
      // PUBLIC_URL is wrong and already reported.
    }
    const domain = /\.[a-z]{2,}$/i.test(host) ? host : 'localhost';
    return { smtpUrl, from: { name: 'Atelier', address: `atelier@${domain}` }, outboxDir, worker };
  }
  const match = /^(?:"?([^"<>]*?)"?\s*<([^<>]+)>|([^<>\s]+))$/.exec(rawFrom);
  const address = (match?.[2] ?? match?.[3] ?? '').trim();
  if (!match || !ADDRESS.test(address) || address.length > 254) {
    problems.push(
      `MAIL_FROM must be an email address, optionally with a name: "Atelier <atelier@example.org>" (got "${rawFrom}")`,
    );
    return { smtpUrl, from: { name: 'Atelier', address: 'atelier@localhost' }, outboxDir, worker };
  }
  return { smtpUrl, from: { name: match[1]?.trim() || 'Atelier', address }, outboxDir, worker };
}

function parseCount(name: string, raw: string | undefined, fallback: number, problems: string[]): number {
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw.trim());
  if (!Number.isInteger(value) || value < 0 || value > 1_000_000)
    problems.push(`${name} must be a whole number, 0 or more (got "${raw}")`);
  return value;
}

/** A timeout: a whole number of seconds from 1 to 3600 (0 would mean none, which is what it guards against). */
function parseSeconds(name: string, raw: string | undefined, fallback: number, problems: string[]): number {
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw.trim());
  if (!Number.isInteger(value) || value < 1 || value > 3600)
    problems.push(`${name} must be a whole number of seconds from 1 to 3600 (got "${raw}")`);
  return value;
}

function parseRedisUrl(raw: string | undefined, problems: string[]): string | null {
  if (!raw?.trim()) return null;
  if (!/^rediss?:\/\/[^\s]+$/.test(raw.trim())) {
    problems.push(
      `REDIS_URL must be a redis:// or rediss:// URL such as redis://127.0.0.1:6379 (got "${raw.replace(/\/\/([^:/@]*):[^@/]*@/, '//$1:***@')}")`,
    );
    return null;
  }
  return raw.trim();
}

const FRAME_SOURCE = /^(?:'self'|'none'|https?:\/\/(?:\*\.)?[a-z0-9.-]+(?::\d{1,5})?)$/i;

/** FRAME_ANCESTORS: space-separated origins (https://partner.org, https://*.partner.org), 'self' or 'none'. */
function parseFrameAncestors(raw: string | undefined, problems: string[]): string[] {
  if (!raw?.trim()) return ["'self'"];
  const sources = raw.trim().split(/\s+/);
  const wrong = sources.filter((s) => !FRAME_SOURCE.test(s));
  if (wrong.length)
    problems.push(
      `FRAME_ANCESTORS must be space-separated origins such as 'self' https://partner.example.org (without path), or 'none' (wrong: ${wrong.join(' ')})`,
    );
  else if (sources.includes("'none'") && sources.length > 1)
    problems.push("FRAME_ANCESTORS: 'none' cannot be combined with other sources");
  return sources;
}

function parsePort(raw: string, problems: string[]): number {
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    problems.push(`PORT must be a whole number from 0 to 65535 (got "${raw}")`);
  return port;
}

function parseDatabaseUrl(raw: string, problems: string[]): Config['database'] {
  if (/^postgres(ql)?:\/\//i.test(raw)) return { kind: 'postgresql', url: raw };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) && !raw.startsWith('sqlite:')) {
    problems.push(`DATABASE_URL must be a SQLite file path, a sqlite: URL or a postgres:// URL (got "${raw}")`);
  }
  const path = raw.replace(/^sqlite:(\/\/)?/, '');
  return { kind: 'sqlite', url: path === ':memory:' ? path : resolve(path) };
}

function parsePublicUrl(raw: string, problems: string[]): string {
  try {
    const url = new URL(raw);
    if (!['http:', 'https:'].includes(url.protocol)) throw new Error('protocol');
    return url.toString().replace(/\/$/, '');
  } catch {
    problems.push(`PUBLIC_URL must be an http(s) URL such as https://atelier.example.org (got "${raw}")`);
    return raw;
  }
}

function parseBoolean(name: string, raw: string | undefined, fallback: boolean, problems: string[]): boolean {
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = raw.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(value)) return true;
  if (['0', 'false', 'no', 'off'].includes(value)) return false;
  problems.push(`${name} must be true or false (got "${raw}")`);
  return fallback;
}

/**
 * The cookie encryption key. Given as SESSION_SECRET (any string of 32+ characters, so several
 * instances can share it) or generated once and kept in DATA_DIR so sessions survive restarts.
 */
function loadSessionKey(secret: string | undefined, dataDir: string): Buffer {
  if (secret?.trim()) {
    if (secret.length < 32)
      throw new ConfigError('Invalid configuration:\n  - SESSION_SECRET must be at least 32 characters long');
    return createHash('sha256').update(secret).digest();
  }
  const file = resolve(dataDir, 'session-secret');
  if (existsSync(file)) return Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
  mkdirSync(dirname(file), { recursive: true });
  const key = randomBytes(32);
  writeFileSync(file, key.toString('hex'), { mode: 0o600 });
  return key;
}
