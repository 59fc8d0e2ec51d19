import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import t from 'tap';
import { EventSession } from '../../src/events/event.entity.js';
import { createApiToken, createOrganiser } from '../../src/organisers/organiser.service.js';
import type { Registration } from '../../src/registrations/registration.entity.js';
import { register } from '../../src/registrations/registration.service.js';
import { setRegistrationSide } from '../../src/registrations/registration-side.js';
import { buildTestApp, signedInOrganiser } from '../support/app.js';
import { attendee, openEvent } from '../support/events.js';

const { app, orm } = await buildTestApp(t);
const organiser = await signedInOrganiser(app);
await createOrganiser(orm.em.fork(), { email: 'api@alisee.fr', password: 'mot-de-passe-api' });
const auth = { authorization: `Bearer ${await createApiToken(orm.em.fork(), 'api@alisee.fr')}` };

const em = orm.em.fork();
// Organiser wording: the sides renamed.
const event = await openEvent(em, {
  capacity: 10,
  sides: [
    { key: 'social', label: 'Accompagnement social' },
    { key: 'economique', label: 'Économie' },
    { key: 'technique', label: 'Bâtiment' },
  ],
});
const [group1, group2] = event.sessions.getItems().filter((s) => s.kind === 'breakout');
const people: Registration[] = [];
for (const [n, type] of [
  [1, 'travailleur-social'],
  [2, 'association'],
  [3, 'association'],
  [4, 'fournisseur-energie'],
  [5, 'collectivite'],
] as const)
  people.push(await register(em, event, attendee(n, type)));
// The second association does debt advice: economic.
await setRegistrationSide(em, event, people[2], 'economique');
people[0].group = em.getReference(EventSession, group1.id);
people[1].group = em.getReference(EventSession, group1.id);
people[2].group = em.getReference(EventSession, group2.id);
people[3].group = em.getReference(EventSession, group2.id);
await em.flush();

const sideOf = (rows: string[][], column: number) =>
  Object.fromEntries(rows.slice(1).map((row) => [row[2] ?? row[4], row[column]]));

t.test("the registrations CSV has the person's side, the hand-set one winning", async (t) => {
  const res = await app.inject({ url: `/api/v1/events/${event.id}/registrations.csv`, headers: auth });
  t.equal(res.statusCode, 200);
  const rows: string[][] = parse(res.body, { bom: true, delimiter: ';' });
  const column = rows[0].indexOf('Volet');
  t.equal(column, rows[0].indexOf('Clé du type de structure') + 1, 'after the type');
  t.same(sideOf(rows, column), {
    Prénom1: 'Accompagnement social',
    Prénom2: 'Bâtiment',
    Prénom3: 'Économie',
    Prénom4: 'Économie',
    Prénom5: 'Accompagnement social',
  });
});

t.test('the XLSX: a side column, the sides by status and the groups × sides in the breakdown', async (t) => {
  const res = await organiser.get(`/admin/events/${event.id}/registrations.xlsx`);
  t.equal(res.statusCode, 200);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
  const values = (name: string) => {
    const rows: unknown[][] = [];
    workbook.getWorksheet(name)!.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
    return rows;
  };
  const registrations = values('Inscriptions') as string[][];
  const column = registrations[0].indexOf('Volet');
  t.ok(column > 0);
  t.equal(registrations.find((row) => row[2] === 'Prénom3')![column], 'Économie');
  const g2 = values('Groupe 2') as string[][];
  t.same(
    g2
      .slice(1)
      .map((row) => row[column])
      .sort(),
    ['Économie', 'Économie'],
    "a group's sheet says each member's side",
  );

  const breakdown = values('Répartition');
  const head = breakdown.findIndex((row) => row[0] === 'Volet');
  t.ok(head > 0, 'a table of the sides below the types');
  t.same(breakdown[head].slice(0, 3), ['Volet', 'Inscrits confirmés', '%']);
  t.same(
    breakdown.slice(head + 1, head + 4).map((row) => row.slice(0, 3)),
    [
      ['Accompagnement social', 2, 40],
      ['Économie', 2, 40],
      ['Bâtiment', 1, 20],
    ],
  );
  const cross = breakdown.findIndex((row) => row[0] === 'Groupes par volet (confirmés)');
  t.same(breakdown[cross], ['Groupes par volet (confirmés)', 'Accompagnement social', 'Économie', 'Bâtiment', 'Total']);
  const byTitle = Object.fromEntries(breakdown.slice(cross + 1).map((row) => [row[0], row.slice(1)]));
  t.same(byTitle['Groupe 1'], [1, 0, 1, 2], "group 1's counts by side");
  t.same(byTitle['Groupe 2'], [0, 2, 0, 2], "group 2's counts by side");
  t.same(byTitle['Sans groupe'], [1, 0, 0, 1], 'and those in no group');
});

t.test('the groups CSV says each member’s side', async (t) => {
  const res = await organiser.get(`/admin/events/${event.id}/groups.csv`);
  t.equal(res.statusCode, 200);
  const rows: string[][] = parse(res.body, { bom: true, delimiter: ';' });
  const column = rows[0].indexOf('Volet');
  t.equal(column, rows[0].indexOf('Type de structure') + 1);
  const byFirstName = Object.fromEntries(rows.slice(1).map((row) => [row[4], [row[0], row[column]]]));
  t.same(byFirstName.Prénom3, ['Groupe 2', 'Économie']);
  t.same(byFirstName.Prénom2, ['Groupe 1', 'Bâtiment']);
  t.same(byFirstName.Prénom5[1], 'Accompagnement social', 'those in no group too');
});
