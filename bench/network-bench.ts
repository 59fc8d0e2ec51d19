/**
 * Network statistics benchmark: 100 events over 13 years (half of them annual workshops with breakout
 * groups, half working-group meetings), 20,000 registrations from 600 structures of Maine-et-Loire, in a
 * fresh SQLite database; then the organiser page *Le réseau*, its API and the directory (median of a few
 * runs through app.inject). The brief asks for under one second; this reports the figures, it asserts nothing.
 * Run directly: npx tsx bench/network-bench.ts [registrations...]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { adoptOwnerlessEvents } from '../src/access/access.service.js';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/orm.js';
import { DEFAULT_STRUCTURE_TYPES } from '../src/events/structure-types.js';
import { createEvent } from '../src/events/event.service.js';
import { createApiToken, createOrganiser } from '../src/organisers/organiser.service.js';
import { searchCommunes } from '../src/territory/index.js';
import { prng, signIn, timeInject } from './report-bench.js';
import { runDirectly } from './run-directly.js';

export interface NetworkBenchRow {
  events: number;
  registrations: number;
  structures: number;
  seedMs: number;
  /** GET /admin/network, median. */
  pageMs: number;
  /** GET /api/v1/network/statistics, median. */
  apiMs: number;
  /** GET /annuaire, median. */
  directoryMs: number;
}

const EVENTS = 100;
const STRUCTURES = 600;
const INSERT_ROWS = 400;
const round = (ms: number) => Math.round(ms * 10) / 10;

async function benchOne(size: number): Promise<NetworkBenchRow> {
  const dataDir = mkdtempSync(join(tmpdir(), 'atelier-network-bench-'));
  const config = loadConfig({
    DATA_DIR: dataDir,
    DATABASE_URL: join(dataDir, 'bench.sqlite'),
    LOG_LEVEL: 'silent',
    PUBLIC_URL: 'http://bench.test',
  });
  const orm = await openDatabase(config.database);
  const app = await buildApp({ config, orm, logger: false });
  await app.ready();
  const random = prng(size);
  try {
    const seedStart = performance.now();
    const eventIds: number[] = [];
    for (let i = 0; i < EVENTS; i++) {
      const year = 2014 + (i % 13);
      const startsAt = new Date(Date.UTC(year, i % 12, 1 + (i % 27), 8));
      const at = (h: number) => new Date(startsAt.getTime() + h * 3600_000);
      const workshop = i % 2 === 0;
      const event = await createEvent(orm.em.fork(), {
        title: `${workshop ? 'Atelier' : 'Groupe de travail'} ${i}`,
        slug: `bench-network-${i}`,
        startsAt,
        endsAt: at(4),
        capacity: null,
        status: 'closed',
        sessions: workshop
          ? [1, 2, 3, 4].map((n) => ({
              kind: 'breakout' as const,
              title: `Groupe ${n}`,
              startsAt: at(2),
              endsAt: at(4),
            }))
          : [],
      });
      eventIds.push(event.id);
    }
    const communes = searchCommunes('49', 60).map((c) => c.code);
    const types = DEFAULT_STRUCTURE_TYPES.map((t) => t.key);
    const now = Date.now();
    const em = orm.em.fork();
    await em.transactional(async (tx) => {
      const run = (sql: string, params: unknown[]) =>
        tx.getConnection().execute(sql, params, 'run', tx.getTransactionContext());
      const structureColumns = ['name', 'normalized_key', 'structure_type', 'commune_code', 'directory_consent'];
      for (let start = 0; start < STRUCTURES; start += INSERT_ROWS) {
        const params: unknown[] = [];
        const count = Math.min(INSERT_ROWS, STRUCTURES - start);
        for (let i = start; i < start + count; i++)
          params.push(
            `Structure ${i}`,
            `structure ${i}`,
            i % 3 === 0 ? null : types[i % types.length],
            i % 10 === 0 ? null : communes[i % communes.length],
            i % 4 === 0,
            now,
            now,
            i % 8 === 0 ? now : null,
          );
        await run(
          `insert into structure (${structureColumns.join(', ')}, created_at, updated_at, directory_validated_at) values ${Array.from({ length: count }, () => '(?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
          params,
        );
      }
      const columns = [
        'event_id',
        'token',
        'first_name',
        'last_name',
        'email',
        'email_key',
        'organisation',
        'structure_type',
        'structure_id',
        'status',
        'answers',
        'locale',
        'checked_in_at',
        'consent_at',
        'created_at',
        'updated_at',
      ];
      const placeholders = `(${columns.map(() => '?').join(', ')})`;
      for (let start = 0; start < size; start += INSERT_ROWS) {
        const params: unknown[] = [];
        const count = Math.min(INSERT_ROWS, size - start);
        for (let i = start; i < start + count; i++) {
          const draw = random();
          const status = draw < 0.9 ? 'confirmed' : draw < 0.96 ? 'waitlisted' : 'cancelled';
          const structure = random() < 0.97 ? 1 + Math.floor(random() * STRUCTURES) : null;
          params.push(
            eventIds[i % EVENTS],
            `bench-network-token-${i}`,
            `Prénom${i}`,
            `Nom ${i}`,
            `personne${i}@bench.test`,
            `personne${i}@bench.test`,
            structure ? `Structure ${structure - 1}` : 'Autre',
            types[Math.floor(random() * types.length)],
            structure,
            status,
            '{}',
            'fr',
            status === 'confirmed' && random() < 0.8 ? now : null,
            now,
            now,
            now,
          );
        }
        await run(
          `insert into registration (${columns.join(', ')}) values ${Array.from({ length: count }, () => placeholders).join(', ')}`,
          params,
        );
      }
    });
    const seedMs = round(performance.now() - seedStart);

    const organiser = await createOrganiser(orm.em.fork(), {
      email: 'bench@atelier.test',
      password: 'bench-password-long',
    });
    await adoptOwnerlessEvents(orm.em.fork(), [organiser.id]);
    const token = await createApiToken(orm.em.fork(), 'bench@atelier.test');
    const cookie = await signIn(app, 'bench@atelier.test', 'bench-password-long');
    return {
      events: EVENTS,
      registrations: size,
      structures: STRUCTURES,
      seedMs,
      pageMs: await timeInject(app, '/admin/network', { cookie }),
      apiMs: await timeInject(app, '/api/v1/network/statistics?from=2013&to=2027', {
        authorization: `Bearer ${token}`,
      }),
      directoryMs: await timeInject(app, '/annuaire', {}),
    };
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function benchNetwork(sizes = [20000]): Promise<NetworkBenchRow[]> {
  const rows: NetworkBenchRow[] = [];
  for (const size of sizes) rows.push(await benchOne(size));
  return rows;
}

runDirectly(import.meta.url, benchNetwork);
