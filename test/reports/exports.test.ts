import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import t from 'tap';
import { EventSession } from '../../src/events/event.entity.js';
import { createApiToken, createOrganiser } from '../../src/organisers/organiser.service.js';
import type { Registration } from '../../src/registrations/registration.entity.js';
import { register } from '../../src/registrations/registration.service.js';
import { registrationBatches, sheetName } from '../../src/reports/export.js';
import { buildTestApp, signedInOrganiser } from '../support/app.js';
import { attendee, openEvent } from '../support/events.js';

const { app, orm } = await buildTestApp(t);
const organiser = await signedInOrganiser(app);
await createOrganiser(orm.em.fork(), { email: 'api@alisee.fr', password: 'mot-de-passe-api' });
const auth = { authorization: `Bearer ${await createApiToken(orm.em.fork(), 'api@alisee.fr')}` };

const em = orm.em.fork();
const event = await openEvent(em, { title: 'Atelier « export »', capacity: 4 });
const [group1, group2] = event.sessions.getItems().filter((s) => s.kind === 'breakout');

// Names with accents, quotes, separators and line breaks; organisations that a spreadsheet would run as formulas.
const people = [
  {
    ...attendee(1, 'travailleur-social'),
    firstName: 'Hélène',
    lastName: "D'Aubigné",
    organisation: 'CCAS d\'Angers; pôle "énergie"',
  },
  {
    ...attendee(2, 'association'),
    firstName: 'Zoë',
    lastName: 'Œuvré',
    organisation: '=HYPERLINK("http://evil.example","clic")',
  },
  {
    ...attendee(3, 'bailleur-social'),
    firstName: 'Jean-Noël',
    lastName: 'Ångström',
    organisation: '+33 2 41 00 00 00',
  },
  { ...attendee(4, 'collectivite'), firstName: 'Anaïs', lastName: 'Lefèvre', organisation: '-1+1' },
  { ...attendee(5, 'association'), firstName: 'Çağla', lastName: 'Müller', organisation: '@SUM(A1:A2)' },
  { ...attendee(6, 'autre'), firstName: 'Line', lastName: 'Break', organisation: 'Ligne 2, suite' },
];
const registered: Registration[] = [];
for (const person of people) registered.push(await register(em, event, person));
// Registration now refuses line breaks in one-line fields; data stored before that rule may hold one,
// and the export must still keep it inside one quoted cell.
registered[5].organisation = 'Ligne 1\nLigne 2, suite';
registered[0].group = em.getReference(EventSession, group1.id);
registered[1].group = em.getReference(EventSession, group2.id);
registered[2].group = em.getReference(EventSession, group1.id);
registered[0].answers = { repas: 'oui', regime: 'sans porc' };
await em.flush();

const HEADER = [
  'N°',
  'Nom',
  'Prénom',
  'Adresse électronique',
  'Structure (organisme employeur)',
  'Type de structure',
  'Clé du type de structure',
  'Volet',
  'Statut',
  'Présent',
  'Arrivée',
  'Groupe de travail',
  "Date d'inscription",
];

function parseCsv(body: string, delimiter: string): string[][] {
  return parse(body, { bom: true, delimiter, relax_column_count: false });
}

t.test('the CSV export opens back with accents, quotes and line breaks intact, formulas neutralised', async (t) => {
  const res = await organiser.get(`/admin/events/${event.id}/registrations.csv`);
  t.equal(res.statusCode, 200);
  t.match(res.headers['content-type'], 'text/csv; charset=utf-8');
  t.match(res.headers['content-disposition'], `attachment; filename="${event.slug}-inscriptions.csv"`);
  t.same([...res.rawPayload.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'starts with the UTF-8 byte-order mark');
  t.match(res.body, /\r\n/, 'CRLF line ends');
  const rows = parseCsv(res.body, ';');
  t.same(rows[0], [...HEADER, 'regime', 'repas'], 'French headers, then the answers found');
  t.equal(rows.length, 1 + people.length, 'one line per registration');
  const byName = new Map(rows.slice(1).map((row) => [row[2], row]));
  const helene = byName.get('Hélène')!;
  t.equal(helene[1], "D'Aubigné");
  t.equal(helene[4], 'CCAS d\'Angers; pôle "énergie"', 'separator and quotes survive');
  t.equal(helene[5], 'Travailleur social');
  t.equal(helene[7], 'Social', "the person's side, as the organiser names it");
  t.equal(helene[8], 'confirmée');
  t.equal(helene[11], 'Groupe 1');
  t.match(helene[12], /^\d{4}-\d\d-\d\d \d\d:\d\d$/, 'date in the event zone, as spreadsheets read it');
  t.same(helene.slice(13), ['sans porc', 'oui'], 'answers');
  t.equal(
    byName.get('Zoë')![4],
    '\'=HYPERLINK("http://evil.example","clic")',
    'formula neutralised with an apostrophe',
  );
  t.equal(byName.get('Jean-Noël')![4], "'+33 2 41 00 00 00");
  t.equal(byName.get('Anaïs')![4], "'-1+1");
  t.equal(byName.get('Çağla')![4], "'@SUM(A1:A2)");
  t.equal(byName.get('Line')![4], 'Ligne 1\nLigne 2, suite', 'line break inside a quoted cell');
  t.equal(byName.get('Line')![8], "liste d'attente", 'over capacity: waiting list');
});

t.test('the comma variant, and the API gives the same file', async (t) => {
  const res = await organiser.get(`/admin/events/${event.id}/registrations.csv?separator=comma`);
  const rows = parseCsv(res.body, ',');
  t.equal(rows.length, 1 + people.length);
  t.equal(rows.find((row) => row[2] === 'Hélène')![4], 'CCAS d\'Angers; pôle "énergie"');

  const api = await app.inject({
    url: `/api/v1/events/${event.id}/registrations.csv`,
    headers: { ...auth, 'accept-language': 'fr' },
  });
  t.equal(api.statusCode, 200);
  t.match(api.headers['content-type'], 'text/csv');
  const page = await organiser.get(`/admin/events/${event.id}/registrations.csv`);
  t.equal(api.body, page.body, 'same CSV as the page');
  const apiComma = await app.inject({
    url: `/api/v1/events/${event.id}/registrations.csv?separator=comma`,
    headers: { ...auth, 'accept-language': 'fr' },
  });
  t.equal(apiComma.body, res.body);
  t.equal(
    (await app.inject({ url: `/api/v1/events/${event.id}/registrations.csv?separator=tab`, headers: auth })).statusCode,
    400,
  );
  t.equal((await app.inject({ url: `/api/v1/events/${event.id}/registrations.csv` })).statusCode, 401);
  t.equal(
    (await app.inject({ url: `/admin/events/${event.id}/registrations.csv` })).statusCode,
    303,
    'organisers only',
  );
});

t.test('a cell holding the other separator is quoted in both variants', async (t) => {
  const fork = orm.em.fork();
  const other = await openEvent(fork, { title: 'Atelier séparateurs' });
  const organisations = ["ok,=cmd|' /C calc'!A0", 'Acme;=1+2'];
  for (const [i, organisation] of organisations.entries())
    await register(fork, other, { ...attendee(10 + i, 'association'), organisation });
  for (const [query, delimiter] of [
    ['', ';'],
    ['?separator=comma', ','],
  ]) {
    const res = await app.inject({ url: `/api/v1/events/${other.id}/registrations.csv${query}`, headers: auth });
    t.equal(res.statusCode, 200);
    for (const organisation of organisations)
      t.match(
        res.body,
        `"${organisation}"`,
        `${JSON.stringify(organisation)} quoted with ${JSON.stringify(delimiter)}`,
      );
    t.same(
      parseCsv(res.body, delimiter)
        .slice(1)
        .map((row) => row[4])
        .sort(),
      [...organisations].sort(),
      'and read back whole',
    );
  }
});

t.test('the XLSX export reads back: registrations, breakdown, one sheet per group', async (t) => {
  const res = await organiser.get(`/admin/events/${event.id}/registrations.xlsx`);
  t.equal(res.statusCode, 200);
  t.equal(res.headers['content-type'], 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  t.match(res.headers['content-disposition'], `${event.slug}-inscriptions.xlsx`);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
  t.same(
    workbook.worksheets.map((sheet) => sheet.name),
    ['Inscriptions', 'Répartition', 'Groupe 1', 'Groupe 2'],
  );

  const values = (sheet: ExcelJS.Worksheet) => {
    const rows: unknown[][] = [];
    sheet.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
    return rows;
  };
  const registrations = values(workbook.getWorksheet('Inscriptions')!);
  t.same(registrations[0], [...HEADER, 'regime', 'repas']);
  t.equal(registrations.length, 1 + people.length);
  const zoe = registrations.find((row) => row[2] === 'Zoë')!;
  t.equal(zoe[4], '=HYPERLINK("http://evil.example","clic")', 'kept as text: a string cell is never a formula');
  const zoeCell = workbook
    .getWorksheet('Inscriptions')!
    .getRow(registrations.indexOf(zoe) + 1)
    .getCell(5);
  t.equal(zoeCell.type, ExcelJS.ValueType.String, 'stored as a string cell');
  t.equal(registrations.find((row) => row[2] === 'Hélène')![4], 'CCAS d\'Angers; pôle "énergie"');
  t.equal(registrations.find((row) => row[2] === 'Hélène')![0], registered[0].id, 'ids are numbers');

  const breakdown = values(workbook.getWorksheet('Répartition')!);
  t.same(breakdown[0], [
    'Type de structure',
    'Inscrits confirmés',
    '%',
    'Présents',
    '%',
    "Liste d'attente",
    '%',
    'Annulés',
    '%',
  ]);
  const social = breakdown.find((row) => row[0] === 'Travailleur social')!;
  t.same(social.slice(0, 3), ['Travailleur social', 1, 25], 'count and whole percentage, as on the page');
  const total = breakdown.find((row) => row[0] === 'Total')!;
  t.same(total.slice(0, 2), ['Total', 4]);
  t.equal(total[5], 2, 'two on the waiting list');

  const g1 = values(workbook.getWorksheet('Groupe 1')!);
  t.same(
    g1
      .slice(1)
      .map((row) => row[2])
      .sort(),
    ['Hélène', 'Jean-Noël'],
  );
  t.equal(values(workbook.getWorksheet('Groupe 2')!).length, 2, 'header and one member');
});

t.test('registrations are read in batches by id', async (t) => {
  const batches: number[][] = [];
  for await (const batch of registrationBatches(orm.em.fork(), event.id, { batchSize: 4 }))
    batches.push(batch.map((r) => r.id));
  t.same(
    batches.map((b) => b.length),
    [4, 2],
  );
  t.same(
    batches.flat(),
    registered.map((r) => r.id),
    'every registration once, in id order',
  );
  const inGroup: number[] = [];
  for await (const batch of registrationBatches(orm.em.fork(), event.id, { batchSize: 1, groupId: group1.id }))
    inGroup.push(...batch.map((r) => r.id));
  t.same(inGroup, [registered[0].id, registered[2].id]);
});

t.test('sheet names are made valid and unique', async (t) => {
  const taken = new Set<string>();
  t.equal(sheetName('Groupe 1 : logement / énergie [matin]', taken), 'Groupe 1 logement énergie matin');
  t.equal(sheetName('A'.repeat(40), taken), 'A'.repeat(31));
  t.equal(sheetName('A'.repeat(40), taken), `${'A'.repeat(29)} 2`);
  t.equal(sheetName('', taken), 'Feuille');
});

t.test('links to the exports from the registrations page', async (t) => {
  const page = await organiser.get(`/admin/events/${event.id}/registrations`);
  t.match(page.body, `href="/admin/events/${event.id}/registrations.csv"`);
  t.match(page.body, `href="/admin/events/${event.id}/registrations.csv?separator=comma"`);
  t.match(page.body, `href="/admin/events/${event.id}/registrations.xlsx"`);
});
