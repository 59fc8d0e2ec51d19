import fc from 'fast-check';
import t from 'tap';
import { openDatabase } from '../../src/db/orm.js';
import { Registration } from '../../src/registrations/registration.entity.js';
import { mergeStructures, splitStructure } from '../../src/structures/merge.js';
import { Structure } from '../../src/structures/structure.entity.js';
import { buildTestApp, testConfig } from '../support/app.js';
import { attendee, openEvent } from '../support/events.js';

const PREVIOUS = 'Migration20261130031000';

t.test('a database from before structures is migrated: nothing lost, every registration linked', async (t) => {
  const old = await testConfig(t);
  const db = await openDatabase(old.database, { migrate: false });
  t.teardown(() => db.close(true));
  const migrator = db.getMigrator();
  await migrator.up({ to: PREVIOUS });
  const sql = db.em.getConnection();
  const now = old.database.kind === 'sqlite' ? Date.now() : new Date();
  await sql.execute(
    `insert into event (slug, title, description, venue, address, timezone, starts_at, ends_at, confirmed_count, status, structure_types, organiser_name, reply_to, sequence, created_at, updated_at)
     values ('ancien', 'Ancien', '', '', '', 'Europe/Paris', ?, ?, 0, 'published', '[]', '', '', 0, ?, ?)`,
    [now, now, now, now],
  );
  const [{ id: eventId }] = await sql.execute(`select id from event where slug = 'ancien'`);
  const organisations = ['CCAS Angers', "C.C.A.S. d'Angers", 'Soliha', "Centre communal d'action sociale d'Angers", ''];
  for (const [i, organisation] of organisations.entries()) {
    await sql.execute(
      `insert into registration (event_id, token, first_name, last_name, email, email_key, organisation, structure_type, status, answers, consent_at, created_at, updated_at)
       values (?, ?, 'A', 'B', ?, ?, ?, ?, 'confirmed', '{}', ?, ?, ?)`,
      [
        eventId,
        `tok${i}`,
        `p${i}@x.fr`,
        `p${i}@x.fr`,
        organisation,
        i === 2 ? 'association' : 'collectivite',
        now,
        now,
        now,
      ],
    );
  }
  const before = await sql.execute('select id, organisation, email from registration order by id');
  await migrator.up();
  const after = await sql.execute('select id, organisation, email, structure_id from registration order by id');
  t.same(
    after.map((r: Record<string, unknown>) => [r.id, r.organisation, r.email]),
    before.map((r: Record<string, unknown>) => [r.id, r.organisation, r.email]),
    'every registration kept as it was',
  );
  const structures = await sql.execute('select id, name, normalized_key, structure_type from structure order by id');
  t.same(
    structures.map((s: Record<string, unknown>) => [s.name, s.normalized_key, s.structure_type]),
    [
      ['CCAS Angers', 'ccas angers', 'collectivite'],
      ['Soliha', 'soliha', 'association'],
    ],
  );
  const linked = after.map((r: { structure_id: number | null }) => r.structure_id);
  const [ccas, soliha] = structures.map((s: { id: number }) => s.id);
  t.same(linked, [ccas, ccas, soliha, ccas, null], 'each named organisation linked; the empty one (anonymised) not');
});

t.test('property: merging never loses or duplicates a registration; a split restores them', async (t) => {
  const { orm } = await buildTestApp(t);
  const em = () => orm.em.fork();
  const event = await openEvent(em(), { capacity: null });
  const names = ['Alpha', 'Beta', 'Gamma', 'Delta', 'Epsilon'];
  let n = 0;
  const { register } = await import('../../src/registrations/registration.service.js');
  for (const name of names)
    for (let k = 0; k < 3; k++) await register(em(), event, { ...attendee(n++), organisation: name });
  const ids = (await em().find(Structure, {}, { orderBy: { id: 'asc' } })).map((s) => s.id);
  t.equal(ids.length, names.length);
  const mapping = async () =>
    new Map((await em().find(Registration, {}, { orderBy: { id: 'asc' } })).map((r) => [r.id, r.structure?.id]));
  const initial = await mapping();
  const total = initial.size;

  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.tuple(fc.constantFrom(...ids), fc.constantFrom(...ids)), { minLength: 1, maxLength: 6 }),
      async (pairs) => {
        const done: number[] = [];
        for (const [survivor, merged] of pairs) {
          try {
            await mergeStructures(em(), survivor, merged);
            done.push(merged);
          } catch {
            // Merging into itself or an already merged structure is refused, and changes nothing.
          }
          const now = await mapping();
          if (now.size !== total) return false;
          const live = new Set((await em().find(Structure, { mergedInto: null })).map((s) => s.id));
          if ([...now.values()].some((id) => id === undefined || !live.has(id))) return false;
        }
        // Undo the merges, last first: every registration is back where it was.
        for (const merged of done.reverse()) await splitStructure(em(), merged);
        const back = await mapping();
        return [...initial].every(([id, structure]) => back.get(id) === structure);
      },
    ),
    { numRuns: 25 },
  );
  t.pass('property held');
});
