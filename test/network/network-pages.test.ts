import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import t from 'tap';
import { grantRole } from '../../src/access/access.service.js';
import { Attendance } from '../../src/cycles/attendance.entity.js';
import { type Event, EventSession } from '../../src/events/event.entity.js';
import { createEvent } from '../../src/events/event.service.js';
import { translator } from '../../src/i18n/i18n.js';
import { Organiser } from '../../src/organisers/organiser.entity.js';
import { createApiToken, createOrganiser } from '../../src/organisers/organiser.service.js';
import { Registration } from '../../src/registrations/registration.entity.js';
import { formatDate } from '../../src/shared/time.js';
import { newToken } from '../../src/registrations/registration.service.js';
import { Structure } from '../../src/structures/structure.entity.js';
import { Browser, buildTestApp, signedInOrganiser, textOf } from '../support/app.js';

const { app, orm } = await buildTestApp(t);
const organiser = await signedInOrganiser(app);
await createOrganiser(orm.em.fork(), { email: 'api@alisee.fr', password: 'mot-de-passe-api' });
const auth = { authorization: `Bearer ${await createApiToken(orm.em.fork(), 'api@alisee.fr')}` };
// Another organiser, on the team of the 2022 workshop only.
await createOrganiser(orm.em.fork(), { email: 'autre@trelaze.fr', password: 'mot-de-passe-autre' });
const otherAuth = { authorization: `Bearer ${await createApiToken(orm.em.fork(), 'autre@trelaze.fr')}` };

const em = orm.em.fork();
const HOUR = 3600_000;

async function event(slug: string, day: string, breakouts: boolean, status: 'closed' | 'draft' = 'closed') {
  const startsAt = new Date(`${day}T08:00:00Z`);
  const at = (h: number) => new Date(startsAt.getTime() + h * HOUR);
  return createEvent(em, {
    title: slug,
    slug,
    startsAt,
    endsAt: at(4),
    capacity: null,
    status,
    sessions: breakouts
      ? [{ kind: 'breakout', title: 'Groupe 1', room: 'Salle 1', startsAt: at(1), endsAt: at(3) }]
      : [],
  });
}

function structure(name: string, type: string | null, side: string | null, communeCode: string | null) {
  const now = new Date();
  return em.create(Structure, {
    name,
    normalizedKey: name.toLowerCase(),
    structureType: type,
    side,
    communeCode,
    directoryConsent: false,
    directoryValidatedAt: null,
    mergedInto: null,
    createdAt: now,
    updatedAt: now,
  });
}

let n = 0;
function person(
  e: Event,
  s: Structure | null,
  type: string,
  status: 'confirmed' | 'waitlisted' | 'cancelled' = 'confirmed',
  present = false,
) {
  const i = n++;
  const now = new Date();
  return em.create(Registration, {
    event: e,
    token: newToken(),
    firstName: `Prénom${i}`,
    lastName: `Nom${i}`,
    email: `p${i}@exemple.fr`,
    emailKey: `p${i}@exemple.fr`,
    organisation: s?.name ?? 'Sans structure',
    structureType: type,
    structure: s,
    status,
    checkedInAt: present ? e.startsAt : null,
    consentAt: now,
    createdAt: now,
    updatedAt: now,
  });
}

// The network of test/network/network-stats.test.ts, through the database: the CCAS has no type of its own,
// EDF no commune; the structure types' sides are the defaults (association: technique, bailleur: social…).
const e2021 = await event('atelier-2021', '2021-11-15', true);
const e2022 = await event('atelier-2022', '2022-11-15', true);
const wg2022 = await event('groupe-2022', '2022-05-10', false);
const e2023 = await event('atelier-2023', '2023-11-15', true);
const draft = await event('brouillon-2023', '2023-06-01', false, 'draft');
const ccas = structure('CCAS Angers', null, null, '49007');
const alisee = structure('Alisée', 'association', null, '49007');
const podeliha = structure('Podeliha', 'bailleur-social', null, '49353');
const edf = structure('EDF', 'fournisseur-energie', null, null);
const saumur = structure('Ville de Saumur', 'collectivite', null, '49328');
// A duplicate merged into the CCAS: its people count for the CCAS.
const duplicate = structure('C.C.A.S. Angers', null, null, null);
duplicate.mergedInto = ccas;
person(e2021, ccas, 'travailleur-social', 'confirmed', true);
person(e2021, duplicate, 'travailleur-social');
person(e2021, ccas, 'autre', 'waitlisted');
person(e2021, alisee, 'association', 'confirmed', true);
person(e2021, podeliha, 'bailleur-social', 'cancelled');
person(e2021, null, 'autre', 'confirmed', true);
person(e2022, ccas, 'travailleur-social', 'waitlisted');
person(e2022, podeliha, 'bailleur-social', 'confirmed', true);
person(e2022, edf, 'fournisseur-energie', 'confirmed', true);
person(wg2022, alisee, 'association', 'confirmed', true);
person(wg2022, podeliha, 'bailleur-social', 'confirmed', true);
person(wg2022, podeliha, 'bailleur-social');
person(e2023, saumur, 'collectivite', 'confirmed', true);
person(e2023, ccas, 'travailleur-social', 'confirmed', true);
person(draft, alisee, 'association');

// 2024: a cycle of three meetings and a one-day working group with two plenaries (morning, afternoon).
const meeting = (title: string, day: string, hour = 8) => ({
  kind: 'plenary' as const,
  title,
  room: 'Salle du conseil',
  startsAt: new Date(`${day}T${String(hour).padStart(2, '0')}:00:00Z`),
  endsAt: new Date(`${day}T${String(hour + 2).padStart(2, '0')}:00:00Z`),
});
const cycle2024 = await createEvent(em, {
  ...{ title: 'Cycle précarité', slug: 'cycle-2024', capacity: null, status: 'closed' },
  startsAt: new Date('2024-03-12T08:00:00Z'),
  endsAt: new Date('2024-06-11T10:00:00Z'),
  sessions: [meeting('Lancement', '2024-03-12'), meeting('Étape', '2024-04-16'), meeting('Bilan', '2024-06-11')],
});
const day2024 = await createEvent(em, {
  ...{ title: 'Groupe guide', slug: 'guide-2024', capacity: null, status: 'closed' },
  startsAt: new Date('2024-09-20T08:00:00Z'),
  endsAt: new Date('2024-09-20T15:00:00Z'),
  sessions: [meeting('Matin', '2024-09-20'), meeting('Après-midi', '2024-09-20', 13)],
});
const cycleA = person(cycle2024, alisee, 'association');
const cycleB = person(cycle2024, podeliha, 'bailleur-social');
person(cycle2024, ccas, 'travailleur-social');
const cycleF = person(cycle2024, ccas, 'travailleur-social');
person(cycle2024, edf, 'fournisseur-energie', 'waitlisted');
person(cycle2024, saumur, 'collectivite', 'cancelled');
person(day2024, alisee, 'association', 'confirmed', true);
person(day2024, podeliha, 'bailleur-social');
const dayI = person(day2024, edf, 'fournisseur-energie');
await em.flush();
const owners = await em.find(Organiser, { email: { $in: ['orga@ccas-angers.fr', 'api@alisee.fr'] } });
for (const e of [e2021, e2022, wg2022, e2023, draft, cycle2024, day2024])
  for (const o of owners) await grantRole(em, e, o, 'owner');
await grantRole(em, e2022, await em.findOneOrFail(Organiser, { email: 'autre@trelaze.fr' }), 'viewer');

type Year = {
  year: number;
  events: number;
  registered: number;
  present: number;
  structures: number;
  newStructures: number;
  returningStructures: number;
  byStructureType: { key: string; count: number; percent: number }[];
  bySide: { key: string; count: number; percent: number }[];
  byDepartment: { code: string; name: string; structures: number }[];
  byEpci: { code: string; name: string; structures: number }[];
  workingGroups: { name: string; meetings: number }[];
  workingGroupEvents: {
    id: number;
    title: string;
    cycle: boolean;
    meetings: {
      sessionId: number;
      title: string;
      expected: number;
      excused: number;
      present: number;
      absent: number;
    }[];
  }[];
};

const [m1, m2, m3] = cycle2024.sessions.getItems().sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
const [morning, afternoon] = day2024.sessions.getItems().sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());

t.test('attendance recorded per meeting through the API', async (t) => {
  const put = (registration: Registration, sessionId: number, state: string) =>
    app.inject({
      method: 'PUT',
      url: `/api/v1/registrations/${registration.id}/attendance/${sessionId}`,
      headers: auth,
      payload: { state },
    });
  for (const [r, s, state] of [
    [cycleA, m1, 'present'],
    [cycleA, m2, 'excused'],
    [cycleB, m1, 'absent'],
    [cycleB, m2, 'present'],
    [cycleB, m3, 'absent'],
    [dayI, morning, 'absent'],
  ] as const)
    t.equal((await put(r, s.id, state)).statusCode, 200, `${state} at ${s.title}`);
  // Present at the last meeting, recorded without the check-in mark (an older import): came all the same.
  const fork = orm.em.fork();
  fork.create(Attendance, {
    registration: fork.getReference(Registration, cycleF.id),
    session: fork.getReference(EventSession, m3.id),
    state: 'present',
    updatedAt: new Date(),
    updatedBy: 'import',
  });
  await fork.flush();
});

t.test('the API gives the hand-computed figures, year by year', async (t) => {
  const res = await app.inject({ url: '/api/v1/network/statistics?from=2013&to=2027', headers: auth });
  t.equal(res.statusCode, 200);
  const years: Year[] = res.json().years;
  t.same(
    years.map((y) => [y.year, y.events, y.registered, y.present, y.structures, y.newStructures, y.returningStructures]),
    [
      [2021, 1, 5, 3, 2, 2, 0],
      [2022, 2, 6, 4, 4, 2, 2],
      [2023, 1, 2, 2, 2, 1, 1],
      // Registered: 5 + 3 (the cancelled one out); present: A, B, F at a meeting of the cycle, the one-day check-in.
      [2024, 2, 8, 4, 4, 0, 4],
    ],
  );
  const [y2021, y2022, y2023, y2024] = years;
  t.same(y2022.workingGroupEvents, [
    { id: wg2022.id, title: 'groupe-2022', timezone: 'Europe/Paris', cycle: false, meetings: [] },
  ]);
  const counts = (e: Year['workingGroupEvents'][number]) =>
    e.meetings.map((m) => [m.title, m.expected, m.excused, m.present, m.absent]);
  t.same(
    y2024.workingGroupEvents.map((e) => [e.title, e.cycle]),
    [
      ['Cycle précarité', true],
      ['Groupe guide', false],
    ],
  );
  t.same(counts(y2024.workingGroupEvents[0]), [
    ['Lancement', 2, 0, 1, 1],
    ['Étape', 2, 1, 1, 0],
    ['Bilan', 2, 0, 1, 1],
  ]);
  t.same(counts(y2024.workingGroupEvents[1]), [
    ['Matin', 1, 0, 1, 1],
    ['Après-midi', 2, 0, 1, 0],
  ]);
  t.equal(y2024.workingGroupEvents[0].meetings[0].sessionId, m1.id);
  const report = await app.inject({ url: `/api/v1/events/${cycle2024.id}/attendance`, headers: auth });
  t.same(
    report.json().sessions.map((s: Record<string, number>) => [s.expected, s.excused, s.present, s.absent]),
    counts(y2024.workingGroupEvents[0]).map((row) => row.slice(1)),
    'the same counts as the event’s own attendance',
  );
  t.same(
    y2021.byStructureType.map((r) => [r.key, r.count, r.percent]),
    [
      ['association', 1, 50],
      ['travailleur-social', 1, 50],
    ],
  );
  t.same(
    y2022.bySide.map((r) => [r.key, r.count, r.percent]),
    [
      ['social', 2, 50],
      ['economique', 1, 25],
      ['technique', 1, 25],
    ],
  );
  t.same(y2022.byDepartment, [{ code: '49', name: 'Maine-et-Loire', structures: 3 }]);
  t.same(y2023.byEpci, [
    { code: '200071876', name: 'CA Saumur Val de Loire', structures: 1 },
    { code: '244900015', name: 'CU Angers Loire Métropole', structures: 1 },
  ]);
  t.same(
    y2022.workingGroups.map((s) => [s.name, s.meetings]),
    [
      ['Alisée', 1],
      ['Podeliha', 1],
    ],
  );
  const range = await app.inject({ url: '/api/v1/network/statistics?from=2022&to=2022', headers: auth });
  t.same(
    range.json().years.map((y: Year) => [y.year, y.newStructures, y.returningStructures]),
    [[2022, 2, 2]],
    'earlier years still make structures returning',
  );
});

t.test('the API is for a token, counts only its organiser’s events and refuses a bad year', async (t) => {
  t.equal((await app.inject('/api/v1/network/statistics')).statusCode, 401);
  const other = await app.inject({ url: '/api/v1/network/statistics', headers: otherAuth });
  t.equal(other.statusCode, 200);
  const years: Year[] = other.json().years;
  t.same(
    years.map((y) => [y.year, y.events, y.registered, y.structures, y.newStructures]),
    [[2022, 1, 3, 3, 3]],
    'only the 2022 workshop: its structures are all new to this organiser',
  );
  const bad = await app.inject({ url: '/api/v1/network/statistics?from=deux-mille', headers: auth });
  t.equal(bad.statusCode, 400);
  t.match(bad.json(), { error: String });
});

t.test('the page shows the figures in tables beside accessible charts', async (t) => {
  const page = await organiser.get('/admin/network');
  t.equal(page.statusCode, 200);
  t.match(page.body, /<svg[^>]*role="img"[^>]*aria-labelledby="chart-years-title chart-years-desc"/);
  t.match(page.body, 'id="years-table"');
  t.match(page.body, 'data-newStructures="2"');
  t.match(textOf(page.body), 'Année 2022');
  t.match(textOf(page.body), '4 structures touchées : 2 nouvelles, 2 fidèles.');
  t.notMatch(textOf(page.body), /\b1 (nouvelles|fidèles)\b/, 'one is singular');
  const fr = translator('fr');
  t.equal(fr('network.chartNew', { n: 1, count: 1 }), '1 nouvelle');
  t.equal(fr('network.chartReturning', { n: 1, count: 1 }), '1 fidèle');
  t.equal(fr('network.chartReturning', { n: 2, count: 2 }), '2 fidèles');
  t.match(textOf(page.body), 'les événements sans groupes de travail');
  t.match(textOf(page.body), 'CU Angers Loire Métropole');
  t.match(page.body, /<svg[^>]*aria-labelledby="chart-types-2022-title chart-types-2022-desc"/);
  t.notMatch(page.body, 'Prénom', 'no one named');
  const filtered = await organiser.get('/admin/network?from=2023&to=abc');
  t.equal(filtered.statusCode, 200, 'a mistyped year is ignored');
  t.notMatch(textOf(filtered.body), 'Année 2022');
  t.match(textOf(filtered.body), 'Année 2023');
  // The working groups' attendance per meeting, one table per event, dates and rule in French.
  const text = textOf(page.body);
  t.match(text, 'Présences par réunion des groupes de travail');
  t.match(text, 'présentes à au moins une réunion');
  t.match(text, `Lancement — ${formatDate(m1.startsAt, 'Europe/Paris', 'fr')}`);
  t.match(page.body, `id="meetings-2024-${cycle2024.id}"`);
  t.match(page.body, `<caption>Cycle précarité — 2024</caption>`);
  t.match(page.body, new RegExp(`data-session="${m2.id}".*data-excused="1"`));
  t.match(page.body, new RegExp(`data-session="${afternoon.id}".*data-expected="2"`));
  t.match(text, "groupe-2022 — Le programme n'a pas de séance plénière.");
  const english = await organiser.get('/admin/network', { 'accept-language': 'en' });
  t.match(textOf(english.body), 'Attendance per working-group meeting');
  const out = await new Browser(app).get('/admin/network');
  t.equal(out.statusCode, 303, 'signed out: to the login page');
});

t.test('the page shows only the events the organiser is on the team of', async (t) => {
  const other = new Browser(app);
  const login = await other.submit('/admin/login', '/admin/login', {
    email: 'autre@trelaze.fr',
    password: 'mot-de-passe-autre',
  });
  t.equal(login.statusCode, 303);
  const page = await other.get('/admin/network');
  t.equal(page.statusCode, 200);
  t.match(textOf(page.body), 'Année 2022');
  t.notMatch(textOf(page.body), 'Année 2021');
  t.notMatch(textOf(page.body), 'Année 2023');
});

t.test('the CSV and XLSX exports read back', async (t) => {
  const csv = await organiser.get('/admin/network.csv?from=2021&to=2023');
  t.equal(csv.statusCode, 200);
  t.match(csv.headers['content-disposition'], 'reseau-2021-2023.csv');
  const rows: string[][] = parse(csv.body, { delimiter: ';', bom: true });
  t.same(rows[0], ['Année', 'Rubrique', 'Code', 'Libellé', 'Nombre', 'Part (%)']);
  t.ok(rows.some((r) => r.join('|') === '2022|Synthèse|newStructures|Nouvelles structures|2|'));
  t.ok(rows.some((r) => r.join('|') === '2022|Par volet|social|Social|2|50'));
  t.ok(rows.some((r) => r.join('|') === '2023|Par intercommunalité (EPCI)|200071876|CA Saumur Val de Loire|1|'));

  // Attendance per meeting: four lines per meeting, one per state, coded session:state.
  const csv2024 = await organiser.get('/admin/network.csv?from=2024&to=2024');
  const lines = (parse(csv2024.body, { delimiter: ';', bom: true }) as string[][]).map((r) => r.join('|'));
  t.ok(
    lines.includes(`2024|Présences par réunion|${m2.id}:excused|Cycle précarité — Étape — 2024-04-16 — Excusées|1|`),
  );
  t.ok(
    lines.includes(`2024|Présences par réunion|${morning.id}:present|Groupe guide — Matin — 2024-09-20 — Présentes|1|`),
  );
  t.equal(lines.filter((line) => line.includes('|Présences par réunion|')).length, 5 * 4);
  t.notOk(
    rows.some((r) => r[1] === 'Présences par réunion'),
    'no working-group meeting before 2024',
  );

  const xlsx = await organiser.request({ method: 'GET', url: '/admin/network.xlsx' });
  t.equal(xlsx.statusCode, 200);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
  const summary = workbook.getWorksheet('Synthèse');
  t.ok(summary);
  t.same(summary?.getRow(3).values, [undefined, 2022, 2, 6, 4, 4, 2, 2]);
  const sides = workbook.getWorksheet('Par volet');
  const values = sides?.getSheetValues().filter(Boolean) as unknown[][];
  t.ok(values.some((r) => r.slice(1).join('|') === '2022|social|Social|2|50'));
  const meetings = workbook.getWorksheet('Présences par réunion');
  t.same(meetings?.getRow(1).values, [
    undefined,
    'Année',
    'Événement',
    'Réunion',
    'Date',
    'Attendues',
    'Excusées',
    'Présentes',
    'Absentes',
  ]);
  const meetingRows = meetings?.getSheetValues().filter(Boolean).slice(1) as unknown[][];
  t.same(
    meetingRows.map((r) => r.slice(1).join('|')),
    [
      '2024|Cycle précarité|Lancement|2024-03-12|2|0|1|1',
      '2024|Cycle précarité|Étape|2024-04-16|2|1|1|0',
      '2024|Cycle précarité|Bilan|2024-06-11|2|0|1|1',
      '2024|Groupe guide|Matin|2024-09-20|1|0|1|1',
      '2024|Groupe guide|Après-midi|2024-09-20|2|0|1|0',
    ],
  );
});
