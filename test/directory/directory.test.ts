import { parse } from 'csv-parse/sync';
import t, { type Test } from 'tap';
import { fold, safeWebsite } from '../../src/directory/directory.js';
import { createOrganiser } from '../../src/organisers/organiser.service.js';
import { Registration } from '../../src/registrations/registration.entity.js';
import { register } from '../../src/registrations/registration.service.js';
import { Structure } from '../../src/structures/structure.entity.js';
import { Browser, buildTestApp, signedInOrganiser, textOf } from '../support/app.js';
import { openEvent } from '../support/events.js';

const { app, orm } = await buildTestApp(t);
const organiser = await signedInOrganiser(app);
const em = orm.em.fork();
const event = await openEvent(em, { capacity: null });

/** Registers a person of `organisation`, with the directory box ticked or not. */
async function person(n: number, organisation: string, structureType: string, consent: boolean) {
  return register(em.fork(), event, {
    firstName: `Gwenaëlle${n}`,
    lastName: `Kerbrat${n}`,
    email: `gwen.kerbrat${n}@perso-exemple.fr`,
    organisation,
    structureType,
    consent: 'yes',
    ...(consent ? { directoryConsent: 'yes' } : {}),
  });
}

const ccasPerson = await person(1, "CCAS d'Angers", 'collectivite', true);
await person(2, 'Alisée', 'association', true);
await person(3, 'Podeliha', 'bailleur-social', false);
await person(4, 'CCAS de Saumur', 'collectivite', true);
const people = await em.fork().find(Registration, {});

/** An organiser completes and validates the card (the structures' edit page does the same). */
async function validate(name: string, fields: Partial<Structure>) {
  const fork = em.fork();
  const structure = await fork.findOneOrFail(Structure, { name });
  Object.assign(structure, fields, { directoryValidatedAt: new Date() });
  await fork.flush();
  return structure;
}

const ccas = await validate("CCAS d'Angers", {
  communeCode: '49007',
  missions: "Aides à l'énergie et médiation avec les fournisseurs.",
  publicContact: '02 41 05 49 49',
  website: 'https://www.angers.fr',
});
await validate('Podeliha', { communeCode: '49007', missions: 'Logement social.' });
await validate('CCAS de Saumur', {
  communeCode: '49328',
  missions: 'Fonds de solidarité énergie.',
  website: 'javascript:alert(1)',
});

/** Nothing about a person: no name, no email, from every registration. */
function assertNothingPersonal(t: Test, body: string) {
  for (const p of people) {
    t.notMatch(body, p.firstName, 'no first name');
    t.notMatch(body, p.lastName, 'no last name');
    t.notMatch(body, p.email, 'no email');
  }
  t.notMatch(body, 'perso-exemple', 'no email domain');
}

t.test('only consented and validated cards are shown, with their public fields only', async (t) => {
  const page = await app.inject('/annuaire');
  t.equal(page.statusCode, 200);
  const text = textOf(page.body);
  t.match(text, "CCAS d'Angers");
  t.match(text, "Aides à l'énergie et médiation avec les fournisseurs.");
  t.match(text, '02 41 05 49 49');
  t.match(text, 'Angers (CU Angers Loire Métropole)');
  t.match(page.body, 'href="https://www.angers.fr/"');
  t.match(text, 'CCAS de Saumur');
  t.notMatch(page.body, 'javascript:', 'a website that is not http(s) is not a link');
  t.notMatch(text, 'Alisée', 'consented but not validated');
  t.notMatch(text, 'Podeliha', 'validated but no one consented');
  t.match(text, '2 structures');
  assertNothingPersonal(t, page.body);
  t.equal(page.headers['cache-control'], 'no-store', 'never kept by a cache: a withdrawal shows at once');
});

t.test('search and filters, by plain GET', async (t) => {
  const byWords = textOf((await app.inject('/annuaire?q=FONDS+solidarite')).body);
  t.match(byWords, 'CCAS de Saumur');
  t.notMatch(byWords, "CCAS d'Angers");
  t.match(byWords, '1 structure');
  const byEpci = textOf((await app.inject('/annuaire?epci=244900015')).body);
  t.match(byEpci, "CCAS d'Angers");
  t.notMatch(byEpci, 'Fonds de solidarité');
  const byCommune = textOf((await app.inject('/annuaire?commune=49328&type=collectivite')).body);
  t.match(byCommune, 'CCAS de Saumur');
  const none = await app.inject('/annuaire?type=inconnu');
  t.equal(none.statusCode, 200);
  t.match(textOf(none.body), 'Aucune structure ne correspond');
  const long = await app.inject(`/annuaire?q=${'a'.repeat(5000)}`);
  t.equal(long.statusCode, 400, 'an over-long query is refused, not a 500');
  t.equal(fold("C.C.A.S. d'Angers"), 'c c a s d angers');
  t.equal(safeWebsite('www.alisee.org'), 'https://www.alisee.org/');
  t.equal(safeWebsite('data:text/html,x'), null);
});

t.test('the CSV export has the same cards and reads back', async (t) => {
  const csv = await app.inject('/annuaire.csv');
  t.equal(csv.statusCode, 200);
  const rows: string[][] = parse(csv.body, { delimiter: ';', bom: true });
  t.same(rows[0], [
    'Nom',
    'Type',
    'Volet',
    'Commune',
    'Code commune',
    'Intercommunalité',
    'Missions',
    'Contact',
    'Site web',
  ]);
  t.same(
    rows.slice(1).map((r) => [r[0], r[3], r[5], r[8]]),
    [
      ["CCAS d'Angers", 'Angers', 'CU Angers Loire Métropole', 'https://www.angers.fr/'],
      ['CCAS de Saumur', 'Saumur', 'CA Saumur Val de Loire', ''],
    ],
  );
  assertNothingPersonal(t, csv.body);
  const filtered: string[][] = parse((await app.inject('/annuaire.csv?commune=49328')).body, {
    delimiter: ';',
    bom: true,
  });
  t.equal(filtered.length, 2, 'the filters apply to the file too');
});

t.test('the embed page can be framed and keeps the frame options in its search', async (t) => {
  const page = await app.inject('/embed/annuaire?lang=fr&parent=http://atelier.test');
  t.equal(page.statusCode, 200);
  t.match(page.headers['content-security-policy'], 'frame-ancestors');
  t.notOk(page.headers['x-frame-options']);
  t.match(page.body, 'action="/embed/annuaire"');
  t.match(page.body, 'name="lang" value="fr"');
  t.match(page.body, 'target="_blank" rel="noopener"');
  assertNothingPersonal(t, page.body);
  const script = await app.inject('/embed.js');
  t.match(script.body, 'data-atelier-directory');
  t.match(script.body, '/embed/annuaire');
});

t.test('withdrawing consent removes the card at once', async (t) => {
  const person = new Browser(app);
  const before = await person.get(`/r/${ccasPerson.token}`);
  t.equal(before.statusCode, 200);
  const res = await person.submit(`/r/${ccasPerson.token}`, `/r/${ccasPerson.token}/directory`, {
    directoryConsent: 'no',
  });
  t.equal(res.statusCode, 303);
  const page = textOf((await app.inject('/annuaire')).body);
  t.notMatch(page, "CCAS d'Angers");
  t.match(page, 'CCAS de Saumur');
  const csv = (await app.inject('/annuaire.csv')).body;
  t.notMatch(csv, "CCAS d'Angers");
  const structure = await em.fork().findOneOrFail(Structure, { id: ccas.id });
  t.equal(structure.directoryConsent, false);
});

t.test('the organiser sees the cards waiting for validation, linked to the structure page', async (t) => {
  const page = await organiser.get('/admin/annuaire');
  t.equal(page.statusCode, 200);
  const alisee = await em.fork().findOneOrFail(Structure, { name: 'Alisée' });
  t.match(page.body, `href="/admin/structures/${alisee.id}"`);
  t.match(textOf(page.body), 'Compléter et valider la carte de Alisée');
  t.match(textOf(page.body), 'À compléter : missions, contact public, commune, site web');
  t.match(textOf(page.body), 'Modifier la carte de CCAS de Saumur');
  t.equal((await organiser.get(`/admin/structures/${alisee.id}`)).statusCode, 200, 'the link opens the structure page');
  t.equal((await new Browser(app).get('/admin/annuaire')).statusCode, 303, 'signed out: to the login page');
});

t.test("another organiser does not see the cards of structures met only at others' events", async (t) => {
  await createOrganiser(em.fork(), { email: 'autre@saumur.fr', password: 'mot-de-passe-autre' });
  const other = new Browser(app);
  await other.submit('/admin/login', '/admin/login', { email: 'autre@saumur.fr', password: 'mot-de-passe-autre' });
  const page = await other.get('/admin/annuaire');
  t.equal(page.statusCode, 200);
  t.notMatch(textOf(page.body), 'Alisée');
  t.notMatch(textOf(page.body), 'CCAS de Saumur');
  t.match(textOf(page.body), 'Aucune carte en attente.');
});
