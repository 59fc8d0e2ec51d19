/**
 * Report and export benchmark: an event with N registrations in a fresh SQLite database, then the
 * report page, the breakdown API (median of a few runs through app.inject) and the CSV and XLSX
 * exports of the whole event (time, and the process's peak RSS while the file streams).
 * Run directly: npx tsx bench/report-bench.ts [sizes...]
 */
import type { FastifyInstance } from 'fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { adoptOwnerlessEvents } from '../src/access/access.service.js';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { openDatabase, type Orm } from '../src/db/orm.js';
import type { Event } from '../src/events/event.entity.js';
import { createEvent } from '../src/events/event.service.js';
import { saveDefinition } from '../src/forms/form.service.js';
import { createApiToken, createOrganiser } from '../src/organisers/organiser.service.js';
import { runDirectly } from './run-directly.js';

export interface ReportBenchRow {
  registrations: number;
  /** Time to seed the registrations (multi-row INSERTs in one transaction). */
  seedMs: number;
  /** GET /admin/events/:id/report, median. */
  pageMs: number;
  /** GET /api/v1/events/:id/breakdown, median. */
  apiMs: number;
  /** GET /admin/events/:id/registrations.csv over HTTP, read as it streams. */
  csvMs: number;
  csvMb: number;
  /** Resident set size before the export and at its peak while it streamed. */
  csvRssBeforeMb: number;
  csvRssPeakMb: number;
  xlsxMs: number;
  xlsxMb: number;
  xlsxRssPeakMb: number;
}

const RUNS = 5;
const INSERT_ROWS = 500;
/** The 2013 workshop's mix, as weights. */
const TYPES: [string, number][] = [
  ['travailleur-social', 39],
  ['association', 26],
  ['bailleur-social', 14],
  ['collectivite', 12],
  ['fournisseur-energie', 3],
  ['autre', 6],
];

const mb = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;
const round = (ms: number) => Math.round(ms * 10) / 10;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** mulberry32: deterministic pseudo-random numbers. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Seeds `count` registrations straight into the table: 90 % confirmed (80 % of them checked in,
 * spread over 4 groups), 7 % waiting, 3 % cancelled, each with an answer to the form's yes/no question.
 */
async function seed(orm: Orm, event: Event, count: number): Promise<number> {
  const random = prng(count);
  const groups = event.sessions
    .getItems()
    .filter((s) => s.kind === 'breakout')
    .map((s) => s.id);
  const cumulative: number[] = [];
  let acc = 0;
  for (const [, weight] of TYPES) cumulative.push((acc += weight));
  const columns = [
    'event_id',
    'token',
    'first_name',
    'last_name',
    'email',
    'email_key',
    'organisation',
    'structure_type',
    'status',
    'answers',
    'group_id',
    'locale',
    'checked_in_at',
    'consent_at',
    'created_at',
    'updated_at',
  ];
  const placeholders = `(${columns.map(() => '?').join(', ')})`;
  const now = Date.now();
  let confirmed = 0;
  const em = orm.em.fork();
  await em.transactional(async (tx) => {
    for (let start = 0; start < count; start += INSERT_ROWS) {
      const params: unknown[] = [];
      const size = Math.min(INSERT_ROWS, count - start);
      for (let i = start; i < start + size; i++) {
        const x = random() * acc;
        const type = TYPES[cumulative.findIndex((c) => x < c)][0];
        const draw = random();
        const status = draw < 0.9 ? 'confirmed' : draw < 0.97 ? 'waitlisted' : 'cancelled';
        if (status === 'confirmed') confirmed++;
        const present = status === 'confirmed' && random() < 0.8;
        const email = `personne${i}@bench.test`;
        const answers = JSON.stringify({
          dejeuner: { label: 'Déjeuner sur place', type: 'yesno', value: random() < 0.75 },
        });
        params.push(
          event.id,
          `bench-token-${i}`,
          `Prénom${i}`,
          `Nom ${i}`,
          email,
          email,
          `Structure ${i % 700}`,
          type,
          status,
          answers,
          status === 'confirmed' ? groups[i % groups.length] : null,
          'fr',
          present ? now : null,
          now,
          now + i,
          now + i,
        );
      }
      await tx
        .getConnection()
        .execute(
          `insert into registration (${columns.join(', ')}) values ${Array.from({ length: size }, () => placeholders).join(', ')}`,
          params,
          'run',
          tx.getTransactionContext(),
        );
    }
    await tx
      .getConnection()
      .execute(
        'update event set confirmed_count = ? where id = ?',
        [confirmed, event.id],
        'run',
        tx.getTransactionContext(),
      );
  });
  return confirmed;
}

export async function timeInject(app: FastifyInstance, url: string, headers: Record<string, string>): Promise<number> {
  const times: number[] = [];
  await app.inject({ url, headers }); // warm-up
  for (let run = 0; run < RUNS; run++) {
    const start = performance.now();
    const res = await app.inject({ url, headers });
    times.push(performance.now() - start);
    if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body.slice(0, 200)}`);
  }
  return round(median(times));
}

/** Downloads a file over real HTTP, consuming it as it arrives, while sampling this process's RSS. */
async function download(
  url: string,
  headers: Record<string, string>,
): Promise<{ ms: number; bytes: number; rssBefore: number; rssPeak: number }> {
  global.gc?.();
  const rssBefore = process.memoryUsage.rss();
  let rssPeak = rssBefore;
  const sampler = setInterval(() => {
    rssPeak = Math.max(rssPeak, process.memoryUsage.rss());
  }, 5);
  const start = performance.now();
  let bytes = 0;
  try {
    const response = await fetch(url, { headers });
    if (!response.ok || !response.body) throw new Error(`${url}: ${response.status}`);
    for await (const chunk of response.body) {
      bytes += (chunk as Uint8Array).byteLength;
      rssPeak = Math.max(rssPeak, process.memoryUsage.rss());
    }
  } finally {
    clearInterval(sampler);
  }
  return { ms: round(performance.now() - start), bytes, rssBefore, rssPeak };
}

export async function signIn(app: FastifyInstance, email: string, password: string): Promise<string> {
  const jar = new Map<string, string>();
  const remember = (setCookie: string | string[] | undefined) => {
    for (const header of Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : []) {
      const [pair] = header.split(';');
      jar.set(pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1));
    }
  };
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const form = await app.inject({ url: '/admin/login' });
  remember(form.headers['set-cookie']);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(form.body)?.[1] ?? '';
  const res = await app.inject({
    method: 'POST',
    url: '/admin/login',
    headers: { cookie: cookie(), 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ _csrf: csrf, email, password }).toString(),
  });
  if (res.statusCode !== 303) throw new Error(`sign-in failed: ${res.statusCode}`);
  remember(res.headers['set-cookie']);
  return cookie();
}

async function benchOne(size: number): Promise<ReportBenchRow> {
  const dataDir = mkdtempSync(join(tmpdir(), 'atelier-report-bench-'));
  const config = loadConfig({
    DATA_DIR: dataDir,
    DATABASE_URL: join(dataDir, 'bench.sqlite'),
    LOG_LEVEL: 'silent',
    PUBLIC_URL: 'http://bench.test',
  });
  const orm = await openDatabase(config.database);
  const app = await buildApp({ config, orm, logger: false });
  try {
    const year = new Date().getUTCFullYear() + 1;
    const at = (time: string) => new Date(`${year}-11-15T${time}:00+01:00`);
    const event = await createEvent(orm.em.fork(), {
      title: `Banc d'essai ${size}`,
      slug: `bench-${size}`,
      startsAt: at('09:00'),
      endsAt: at('12:30'),
      capacity: null,
      status: 'published',
      sessions: [
        { kind: 'plenary', title: 'Plénière', startsAt: at('09:00'), endsAt: at('10:30') },
        ...[1, 2, 3, 4].map((n) => ({
          kind: 'breakout' as const,
          title: `Groupe ${n}`,
          startsAt: at('10:45'),
          endsAt: at('12:30'),
        })),
      ],
    });
    // One yes/no question, so the report also counts answers (one more GROUP BY on the JSON).
    await saveDefinition(orm.em.fork(), event, {
      sections: [
        { title: 'Repas', fields: [{ type: 'yesno', key: 'dejeuner', label: 'Déjeuner sur place', required: true }] },
      ],
    });
    const seedStart = performance.now();
    await seed(orm, event, size);
    const seedMs = round(performance.now() - seedStart);

    const organiser = await createOrganiser(orm.em.fork(), {
      email: 'bench@atelier.test',
      password: 'bench-password-long',
    });
    // The event was made directly, not by an organiser: the bench's organiser becomes its owner.
    await adoptOwnerlessEvents(orm.em.fork(), [organiser.id]);
    const token = await createApiToken(orm.em.fork(), 'bench@atelier.test');
    const cookie = await signIn(app, 'bench@atelier.test', 'bench-password-long');

    const pageMs = await timeInject(app, `/admin/events/${event.id}/report`, { cookie });
    const apiMs = await timeInject(app, `/api/v1/events/${event.id}/breakdown`, { authorization: `Bearer ${token}` });

    // Exports over a real socket: app.inject would hold the whole body in memory and hide the streaming.
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    const csv = await download(`${address}/admin/events/${event.id}/registrations.csv`, { cookie });
    const xlsx = await download(`${address}/admin/events/${event.id}/registrations.xlsx`, { cookie });
    return {
      registrations: size,
      seedMs,
      pageMs,
      apiMs,
      csvMs: csv.ms,
      csvMb: mb(csv.bytes),
      csvRssBeforeMb: mb(csv.rssBefore),
      csvRssPeakMb: mb(csv.rssPeak),
      xlsxMs: xlsx.ms,
      xlsxMb: mb(xlsx.bytes),
      xlsxRssPeakMb: mb(xlsx.rssPeak),
    };
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function benchReport(sizes = [10000, 100000]): Promise<ReportBenchRow[]> {
  const rows: ReportBenchRow[] = [];
  for (const size of sizes) rows.push(await benchOne(size));
  return rows;
}

runDirectly(import.meta.url, benchReport);
