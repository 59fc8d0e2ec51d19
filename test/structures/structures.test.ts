import t from 'tap';
import { createApiToken } from '../../src/organisers/organiser.service.js';
import { Registration } from '../../src/registrations/registration.entity.js';
import { Structure, isPublicCard } from '../../src/structures/structure.entity.js';
import { Browser, ORGANISER, buildTestApp, csrfFrom, signedInOrganiser, textOf } from '../support/app.js';
import { attendee, openEvent } from '../support/events.js';

const { app, orm } = await buildTestApp(t);
const em = () => orm.em.fork();
const organiser = await signedInOrganiser(app);
const token = await createApiToken(em(), ORGANISER.email);
const auth = { authorization: `Bearer ${token}` };
const event = await openEvent(em(), { capacity: 50 });

async function register(n: number, organisation: string, extra: Record<string, string> = {}) {
  const res = await new Browser(app).submit(`/e/${event.slug}/register`, `/e/${event.slug}/register`, {
    ...attendee(n),
    organisation,
    ...extra,
  });
  t.equal(res.statusCode, 303, `registration ${n}: ${res.body.slice(0, 200)}`);
  const registration = await em().findOneOrFail(Registration, { event: event.id, emailKey: `personne${n}@exemple.fr` });
  return { registration, link: res.headers.location!.split('?')[0] as string };
}

t.test(
  'registrations with three spellings of one structure share it; the box is never ticked in advance',
  async (t) => {
    const page = await new Browser(app).get(`/e/${event.slug}/register`);
    t.match(page.body, /<input type="checkbox" id="field-directoryConsent" name="directoryConsent" value="yes" aria/);
    t.match(textOf(page.body), "Faire figurer ma structure dans l'annuaire du réseau");
    const a = await register(1, 'CCAS Angers');
    const b = await register(2, "C.C.A.S. d'Angers", { directoryConsent: 'yes' });
    const c = await register(3, "Centre communal d'action sociale d'Angers");
    const ids = [a, b, c].map(({ registration }) => registration.structure?.id);
    t.ok(ids[0]);
    t.same(ids, [ids[0], ids[0], ids[0]], 'one structure');
    const structure = await em().findOneOrFail(Structure, { id: ids[0] as number });
    t.equal(structure.name, 'CCAS Angers', 'named by the first registration');
    t.equal(structure.structureType, 'travailleur-social');
    t.ok(structure.directoryConsent, 'someone ticked the box');
    t.notOk(isPublicCard(structure), 'not public until validated');
    t.equal(b.registration.directoryConsent, true);
    t.equal(a.registration.directoryConsent, false);
    // The datalist offers the known names, and the organisation field points at it.
    const again = await new Browser(app).get(`/e/${event.slug}/register`);
    t.match(again.body, '<datalist id="structure-names"><option value="CCAS Angers"></option>');
    t.match(again.body, /name="organisation"[^>]*list="structure-names"/);

    // The person withdraws from their private page: the structure's consent goes with the last one.
    const privatePage = await new Browser(app).get(b.link);
    t.match(textOf(privatePage.body), "Retirer ma structure de l'annuaire");
    const browser = new Browser(app);
    const res = await browser.submit(b.link, `${b.link}/directory`, { directoryConsent: 'no' });
    t.equal(res.statusCode, 303);
    t.notOk((await em().findOneOrFail(Structure, { id: structure.id })).directoryConsent, 'withdrawn at once');
    t.notOk((await em().findOneOrFail(Registration, { id: b.registration.id })).directoryConsent);
    await browser.submit(b.link, `${b.link}/directory`, { directoryConsent: 'yes' });
    t.ok((await em().findOneOrFail(Structure, { id: structure.id })).directoryConsent, 'given again');
    // Cancelling the only consenting registration withdraws it too.
    await browser.submit(`${b.link}/cancel`, `${b.link}/cancel`, {});
    t.notOk((await em().findOneOrFail(Structure, { id: structure.id })).directoryConsent, 'cancelled: no consent');
  },
);

t.test('the API registers with the directory consent and says the structure', async (t) => {
  const res = await app.inject({
    method: 'POST',
    url: `/api/v1/events/${event.id}/registrations`,
    headers: auth,
    payload: { ...attendee(10), organisation: 'Soliha 49', consent: true, directoryConsent: true },
  });
  t.equal(res.statusCode, 201, res.body);
  const body = res.json();
  t.type(body.structureId, 'number');
  t.equal(body.directoryConsent, true);
  const structure = await em().findOneOrFail(Structure, { id: body.structureId });
  t.equal(structure.name, 'Soliha 49');
  t.ok(structure.directoryConsent);
});

t.test('the Structures page: search, suggested merge, merge, split, edit the card', async (t) => {
  await register(20, 'Secours catholique');
  await register(21, 'Secours catholiqe');
  const list = await organiser.get('/admin/structures');
  t.equal(list.statusCode, 200);
  const text = textOf(list.body);
  t.match(text, 'CCAS Angers');
  t.match(text, 'Doublons probables');
  t.match(text, 'Noms très proches');
  const search = await organiser.get('/admin/structures?q=c.c.a.s');
  t.match(textOf(search.body), 'CCAS Angers');
  t.notMatch(textOf(search.body), 'Soliha');

  const good = await em().findOneOrFail(Structure, { name: 'Secours catholique' });
  const typo = await em().findOneOrFail(Structure, { name: 'Secours catholiqe' });
  const typoRegistrations = await em().find(Registration, { structure: typo.id });
  t.equal(typoRegistrations.length, 1);
  const merged = await organiser.post('/admin/structures/merge', {
    _csrf: csrfFrom(list.body),
    survivor: String(good.id),
    structure: [String(good.id), String(typo.id)],
  });
  t.equal(merged.statusCode, 303);
  t.equal(merged.headers.location, `/admin/structures/${good.id}`);
  t.equal(await em().count(Registration, { structure: typo.id }), 0);
  t.equal(await em().count(Registration, { structure: good.id }), 2);
  const after = await em().findOneOrFail(Structure, { id: typo.id });
  t.equal(after.mergedInto?.id, good.id);
  t.same(after.mergedRegistrationIds, [typoRegistrations[0]?.id]);
  // A new registration with the merged spelling goes to the survivor.
  const late = await register(22, 'Secours catholiqe');
  t.equal(late.registration.structure?.id, good.id);

  const survivorPage = await organiser.get(`/admin/structures/${good.id}`);
  t.match(textOf(survivorPage.body), 'Structures fusionnées ici');
  t.match(textOf(survivorPage.body), 'Atelier test');
  const split = await organiser.post(`/admin/structures/${typo.id}/split`, { _csrf: csrfFrom(survivorPage.body) });
  t.equal(split.statusCode, 303);
  t.same(
    (await em().find(Registration, { structure: typo.id })).map((r) => r.id),
    [typoRegistrations[0]?.id],
    'the split gives back what it had',
  );
  t.equal(await em().count(Registration, { structure: good.id }), 2, 'the late one stays with the survivor');

  // The card: commune by postcode, SIRET checked, website, validation.
  const edit = await organiser.get(`/admin/structures/${good.id}?commune=49000`);
  t.match(edit.body, '<option value="49007">Angers (49000, 49100) — Maine-et-Loire, CU Angers Loire Métropole');
  t.match(
    textOf(edit.body),
    /\d communes? trouvées? : choisissez.* dans la liste « Commune »/,
    'the search says where its result went',
  );
  const none = await organiser.get(`/admin/structures/${good.id}?commune=zzzz`);
  t.match(textOf(none.body), 'Aucune commune trouvée.');
  const bad = await organiser.post(`/admin/structures/${good.id}`, {
    _csrf: csrfFrom(edit.body),
    name: 'Secours catholique',
    communeCode: '49007',
    siret: '73282932000075',
    website: 'javascript:alert(1)',
    missions: 'Aide aux impayés',
    validated: 'yes',
  });
  t.equal(bad.statusCode, 400);
  t.match(textOf(bad.body), "Ce numéro SIRET n'est pas valide");
  t.match(textOf(bad.body), 'Indiquez une adresse web complète');
  t.match(bad.body, 'Aide aux impayés', 'what was typed is kept');
  const ok = await organiser.post(`/admin/structures/${good.id}`, {
    _csrf: csrfFrom(edit.body),
    name: 'Secours catholique',
    structureType: 'association',
    communeCode: '49007',
    siret: '732 829 320 00074',
    website: 'https://www.secours-catholique.org',
    publicContact: 'accueil@exemple.fr',
    missions: 'Aide aux impayés',
    validated: 'yes',
  });
  t.equal(ok.statusCode, 303, ok.body.slice(0, 500));
  const saved = await em().findOneOrFail(Structure, { id: good.id });
  t.equal(saved.siret, '73282932000074');
  t.equal(saved.communeCode, '49007');
  t.ok(saved.directoryValidatedAt);

  const api = await app.inject({ method: 'GET', url: `/api/v1/structures/${good.id}`, headers: auth });
  t.equal(api.statusCode, 200, api.body);
  t.match(api.json(), {
    id: good.id,
    name: 'Secours catholique',
    commune: { code: '49007', name: 'Angers' },
    epci: { code: '244900015' },
    departmentCode: '49',
    publicCard: false,
    history: [{ eventId: event.id, title: 'Atelier test', registrations: 2 }],
  });
});

t.test('the API lists structures a page at a time, scoped to the organiser', async (t) => {
  const all = await app.inject({ method: 'GET', url: '/api/v1/structures?perPage=2&page=1', headers: auth });
  t.equal(all.statusCode, 200, all.body);
  const body = all.json();
  t.equal(body.items.length, 2);
  t.ok(body.total >= 4);
  const second = await app.inject({ method: 'GET', url: '/api/v1/structures?perPage=2&page=2', headers: auth });
  t.notSame(
    second.json().items.map((s: { id: number }) => s.id),
    body.items.map((s: { id: number }) => s.id),
  );
  const found = await app.inject({ method: 'GET', url: '/api/v1/structures?q=CCAS%20d%27Angers', headers: auth });
  t.same(
    found.json().items.map((s: { name: string }) => s.name),
    ['CCAS Angers'],
  );
  t.equal((await app.inject({ method: 'GET', url: '/api/v1/structures' })).statusCode, 401);
  t.equal((await app.inject({ method: 'GET', url: '/api/v1/structures/999999', headers: auth })).statusCode, 404);
  t.equal((await app.inject({ method: 'GET', url: '/api/v1/structures?perPage=0', headers: auth })).statusCode, 400);
  // Another organiser with no events sees nothing.
  const { createOrganiser } = await import('../../src/organisers/organiser.service.js');
  await createOrganiser(em(), { email: 'autre@exemple.fr', password: 'un-autre-mot-de-passe' });
  const other = { authorization: `Bearer ${await createApiToken(em(), 'autre@exemple.fr')}` };
  t.same((await app.inject({ method: 'GET', url: '/api/v1/structures', headers: other })).json().items, []);
  const anyId = body.items[0].id;
  t.equal((await app.inject({ method: 'GET', url: `/api/v1/structures/${anyId}`, headers: other })).statusCode, 404);
});

t.test('an edit that changes the organisation moves the registration and its consent', async (t) => {
  const { registration, link } = await register(30, 'ALISEE', { directoryConsent: 'yes' });
  const alisee = registration.structure!.id;
  t.ok((await em().findOneOrFail(Structure, { id: alisee })).directoryConsent);
  const browser = new Browser(app);
  const res = await browser.submit(`${link}/edit`, `${link}/edit`, { ...attendee(30), organisation: 'Alisée' });
  t.equal(res.statusCode, 303, res.body.slice(0, 300));
  t.equal((await em().findOneOrFail(Registration, { id: registration.id })).structure?.id, alisee, 'same key: kept');
  await browser.submit(`${link}/edit`, `${link}/edit`, { ...attendee(30), organisation: 'Compagnons Bâtisseurs' });
  const moved = await em().findOneOrFail(Registration, { id: registration.id });
  t.not(moved.structure?.id, alisee);
  t.notOk((await em().findOneOrFail(Structure, { id: alisee })).directoryConsent, 'the structure left has no consent');
  t.ok((await em().findOneOrFail(Structure, { id: moved.structure!.id })).directoryConsent, 'the new one has it');
});

t.test('the suggestions endpoint finds known names, whatever the spelling', async (t) => {
  const res = await app.inject({ method: 'GET', url: '/structures/suggest?q=c.c.a.s' });
  t.equal(res.statusCode, 200);
  t.same(res.json(), { names: ['CCAS Angers'] });
  t.same((await app.inject({ method: 'GET', url: '/structures/suggest?q=a' })).json(), { names: [] }, 'too short');
  t.equal((await app.inject({ method: 'GET', url: `/structures/suggest?q=${'x'.repeat(300)}` })).statusCode, 400);
  const page = await new Browser(app).get(`/e/${event.slug}/register`);
  t.match(page.body, '<script src="/static/structure-suggest.js" defer></script>');
});

t.test("one person's organisation is never suggested to others; two people's, or a validated card's, is", async (t) => {
  await register(50, 'Jean-Michel Particulier');
  await register(51, 'Petits Frères des Pauvres');
  await register(52, 'petits freres des pauvres');
  await register(53, 'Croix-Rouge française');
  const suggested = async (q: string) =>
    (await app.inject({ method: 'GET', url: `/structures/suggest?q=${encodeURIComponent(q)}` })).json().names;
  t.same(await suggested('particulier'), [], 'typed by one person only: not shown to anyone else');
  t.same(await suggested('petits freres'), ['Petits Frères des Pauvres'], 'given by two people');
  t.same(await suggested('croix'), [], 'one person, not yet validated');
  await em().nativeUpdate(Structure, { name: 'Croix-Rouge française' }, { directoryValidatedAt: new Date() });
  t.same(await suggested('croix'), ['Croix-Rouge française'], 'an organiser validated its card');
  const page = await new Browser(app).get(`/e/${event.slug}/register`);
  t.notMatch(page.body, 'Jean-Michel Particulier', 'not in the datalist either');
});

t.test("the organiser's view of a registration links to its structure and says the directory choice", async (t) => {
  const { registration } = await register(40, 'Habitat et Humanisme', { directoryConsent: 'yes' });
  const page = await organiser.get(`/admin/events/${event.id}/registrations/${registration.id}`);
  t.equal(page.statusCode, 200);
  t.match(page.body, `<a href="/admin/structures/${registration.structure!.id}">Habitat et Humanisme</a>`);
  t.match(textOf(page.body), 'La personne demande que sa structure y figure');
});
