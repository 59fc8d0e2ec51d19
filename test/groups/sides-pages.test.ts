import t from 'tap';
import { breakouts } from '../../src/events/event-rules.js';
import { loadDemo } from '../../src/demo.js';
import { createApiToken } from '../../src/organisers/organiser.service.js';
import { ORGANISER, buildTestApp, signedInOrganiser, textOf } from '../support/app.js';

const { app, orm } = await buildTestApp(t);
const em = () => orm.em.fork();
const organiser = await signedInOrganiser(app);
const token = await createApiToken(em(), ORGANISER.email);
const auth = { authorization: `Bearer ${token}` };
const event = await loadDemo(em());
const groups = breakouts(event);

// The 2013 workshop's 70 people.
const MIX: [string, number][] = [
  ['travailleur-social', 27],
  ['association', 18],
  ['bailleur-social', 10],
  ['collectivite', 9],
  ['fournisseur-energie', 2],
  ['autre', 4],
];
const ids: number[] = [];
let n = 0;
for (const [type, count] of MIX) {
  for (let i = 0; i < count; i++) {
    n++;
    const response = await app.inject({
      method: 'POST',
      url: `/api/v1/events/${event.id}/registrations`,
      headers: auth,
      payload: {
        ...{ firstName: `P${n}`, lastName: `N${n}`, email: `p${n}@exemple.fr`, organisation: `Org ${n % 9}` },
        ...{ structureType: type, consent: true, answers: n <= 20 ? { groupes: [groups[0].id] } : {} },
      },
    });
    if (response.statusCode !== 201) throw new Error(response.body);
    ids.push(response.json().id);
  }
}

t.test('the event and its types carry their sides in the API', async (t) => {
  const read = (await app.inject({ url: `/api/v1/events/${event.id}`, headers: auth })).json();
  t.same(
    read.sides.map((s: { key: string }) => s.key),
    ['social', 'economique', 'technique'],
  );
  const side = Object.fromEntries(read.structureTypes.map((x: { key: string; side: string }) => [x.key, x.side]));
  t.equal(side['travailleur-social'], 'social');
  t.equal(side.association, 'technique');
  t.equal(side['fournisseur-energie'], 'economique');
  const patched = await app.inject({
    method: 'PATCH',
    url: `/api/v1/events/${event.id}`,
    headers: auth,
    payload: { sides: [...read.sides, { key: 'juridique', label: 'Juridique' }] },
  });
  t.equal(patched.statusCode, 200, patched.body);
  t.equal(patched.json().sides.length, 4, 'a side added');
  const wrong = await app.inject({
    method: 'PATCH',
    url: `/api/v1/events/${event.id}`,
    headers: auth,
    payload: { structureTypes: [{ key: 'autre', label: 'Autre', side: 'nowhere' }] },
  });
  t.equal(wrong.statusCode, 400, 'a type on an unknown side is refused');
  const back = await app.inject({
    method: 'PATCH',
    url: `/api/v1/events/${event.id}`,
    headers: auth,
    payload: { sides: read.sides },
  });
  t.equal(back.statusCode, 200);
});

t.test('the breakdown by side, and by group and side; the sentence mentions the sides', async (t) => {
  const body = (await app.inject({ url: `/api/v1/events/${event.id}/breakdown`, headers: auth })).json();
  t.same(
    body.bySide.map((r: { key: string; count: number; percent: number }) => [r.key, r.count, r.percent]),
    [
      ['social', 46, 66],
      ['economique', 6, 8],
      ['technique', 18, 26],
    ],
    '46 / 6 / 18 of 70, percentages adding up to 100',
  );
  t.match(body.sentence, /soit 66\u202F% d'acteurs sociaux, 26\u202F% techniques, 8\u202F% économiques$/);
  t.ok(
    body.byGroup.every((g: { bySide: unknown[] }) => g.bySide.length === 3),
    'groups x sides',
  );
  const page = await organiser.get(`/admin/events/${event.id}/report`);
  t.match(textOf(page.body), 'Par volet');
});

t.test('assignment: every group of the demo holds the three sides, and the API says so', async (t) => {
  const run = await app.inject({
    method: 'POST',
    url: `/api/v1/events/${event.id}/assignments/auto`,
    headers: auth,
    payload: { mode: 'all' },
  });
  t.equal(run.statusCode, 200, run.body);
  const view = (await app.inject({ url: `/api/v1/events/${event.id}/groups`, headers: auth })).json();
  t.same(view.balance.missingSides, [], 'no group misses a side');
  t.ok(view.balance.maxSideGap < 1, `side gap ${view.balance.maxSideGap}`);
  for (const g of view.groups) {
    for (const side of ['social', 'economique', 'technique']) t.ok(g.countsBySide[side] >= 1, `${g.title}: ${side}`);
  }
});

t.test('one person set apart on another side; a group missing a side is flagged in words', async (t) => {
  const association = ids[27]; // the first association: technical by its type
  const patched = await app.inject({
    method: 'PATCH',
    url: `/api/v1/registrations/${association}`,
    headers: auth,
    payload: { side: 'economique' },
  });
  t.equal(patched.statusCode, 200, patched.body);
  t.equal(patched.json().side, 'economique');
  t.equal(patched.json().sideSetByHand, true);
  const unknown = await app.inject({
    method: 'PATCH',
    url: `/api/v1/registrations/${association}`,
    headers: auth,
    payload: { side: 'nowhere' },
  });
  t.equal(unknown.statusCode, 400, 'an unknown side is refused');

  // Empty group 1 of its technical people by hand: the page flags it.
  const view = (await app.inject({ url: `/api/v1/events/${event.id}/groups`, headers: auth })).json();
  const first = view.groups[0];
  for (const m of first.members.filter((x: { side: string }) => x.side === 'technique')) {
    const moved = await app.inject({
      method: 'PUT',
      url: `/api/v1/registrations/${m.registrationId}/group`,
      headers: auth,
      payload: { groupId: null },
    });
    if (moved.statusCode !== 200) t.fail(moved.body);
  }
  const after = (await app.inject({ url: `/api/v1/events/${event.id}/groups`, headers: auth })).json();
  t.same(
    after.balance.missingSides.filter((m: { groupId: number }) => m.groupId === first.id),
    [{ groupId: first.id, side: 'technique' }],
  );
  const page = await organiser.get(`/admin/events/${event.id}/groups`);
  t.equal(page.statusCode, 200);
  t.match(textOf(page.body), 'Aucun acteur technique dans ce groupe.');
  t.match(textOf(page.body), 'Équilibre des volets');
});

t.test("organiser pages: sides on the structure-types page, one person's side on their page", async (t) => {
  const typesPage = await organiser.get(`/admin/events/${event.id}/structure-types`);
  t.match(textOf(typesPage.body), 'Volets');
  const saved = await organiser.submit(
    `/admin/events/${event.id}/structure-types`,
    `/admin/events/${event.id}/structure-types`,
    {
      ...{ 'key.0': 'travailleur-social', 'label.0': 'Travailleur social', 'position.0': '1', 'side.0': 'social' },
      ...{ 'key.1': 'association', 'label.1': 'Association', 'position.1': '2', 'side.1': 'technique' },
      ...{ 'key.2': 'bailleur-social', 'label.2': 'Bailleur social', 'position.2': '3', 'side.2': 'social' },
      ...{ 'key.3': 'collectivite', 'label.3': 'Collectivité', 'position.3': '4', 'side.3': 'economique' },
      ...{ 'key.4': 'fournisseur-energie', 'label.4': "Fournisseur d'énergie", 'position.4': '5' },
      ...{ 'key.5': 'autre', 'label.5': 'Autre', 'position.5': '6' },
      ...{ 'sideKey.0': 'social', 'sideLabel.0': 'Social', 'sideKey.1': 'economique', 'sideLabel.1': 'Économique' },
      ...{ 'sideKey.2': 'technique', 'sideLabel.2': 'Technique', 'sideKey.3': '', 'sideLabel.3': 'Juridique' },
    },
  );
  t.equal(saved.statusCode, 303, saved.body.slice(0, 300));
  const read = (await app.inject({ url: `/api/v1/events/${event.id}`, headers: auth })).json();
  t.equal(read.structureTypes.find((x: { key: string }) => x.key === 'collectivite').side, 'economique');
  t.same(read.sides.at(-1), { key: 'juridique', label: 'Juridique' }, 'a side added on the page');

  const person = ids[0];
  const detail = `/admin/events/${event.id}/registrations/${person}`;
  const set = await organiser.submit(detail, `${detail}/side`, { side: 'technique' });
  t.equal(set.statusCode, 303);
  const reg = (await app.inject({ url: `/api/v1/events/${event.id}/registrations?limit=1`, headers: auth })).json();
  t.equal(reg.items[0].side, 'technique', "the person's side is saved");
});
