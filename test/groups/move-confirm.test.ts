import t from 'tap';
import { EventSession } from '../../src/events/event.entity.js';
import { createApiToken, createOrganiser } from '../../src/organisers/organiser.service.js';
import { Registration } from '../../src/registrations/registration.entity.js';
import { register } from '../../src/registrations/registration.service.js';
import { buildTestApp, signedInOrganiser, textOf } from '../support/app.js';
import { attendee, openEvent } from '../support/events.js';

const { app, orm } = await buildTestApp(t);
const em = () => orm.em.fork();
const browser = await signedInOrganiser(app);
await createOrganiser(em(), { email: 'api@alisee.fr', password: 'mot-de-passe-api' });
const auth = { authorization: `Bearer ${await createApiToken(em(), 'api@alisee.fr')}` };

const event = await openEvent(em(), { capacity: 20 });
const [group1, group2] = event.sessions.getItems().filter((s) => s.kind === 'breakout');
const base = `/admin/events/${event.id}/groups`;

// Group 1: a social worker and the only technical actor (an association); group 2: a social worker and an energy
// supplier (economic).
const fork = em();
const placed: [number, string, EventSession][] = [
  [1, 'travailleur-social', group1],
  [2, 'association', group1],
  [3, 'travailleur-social', group2],
  [4, 'fournisseur-energie', group2],
];
const people: Registration[] = [];
for (const [n, type, group] of placed) {
  const r = await register(fork, event, attendee(n, type));
  r.group = fork.getReference(EventSession, group.id);
  people.push(r);
}
await fork.flush();
const [, technical, , supplier] = people;
const groupOf = async (id: number) =>
  (await em().findOneOrFail(Registration, { id }, { populate: ['group'] })).group?.id ?? null;

t.test('the page move form asks first; the confirmation says what changes in both groups', async (t) => {
  const page = await browser.get(base);
  t.match(page.body, 'name="step" value="preview"', 'the move form asks for the confirmation step');
  const preview = await browser.submit(base, `${base}/move`, {
    step: 'preview',
    registrationId: String(technical.id),
    groupId: String(group2.id),
    locked: '1',
  });
  t.equal(preview.statusCode, 200);
  const text = textOf(preview.body);
  t.match(text, 'Confirmer le changement de groupe');
  t.match(text, 'Déplacer Prénom2 Nom2 (Association, volet technique) de « Groupe 1 » vers « Groupe 2 » ?');
  t.match(text, "Le groupe « Groupe 1 » n'aurait plus d'acteur technique.", 'the lost side in words');
  t.match(text, 'Le groupe « Groupe 2 » aurait de nouveau un acteur technique.');
  t.match(text, 'Groupe 1 — 2 → 1 personne');
  t.match(text, 'Groupe 2 — 2 → 3 personnes');
  // Group 1's sides table: technical 1 → 0.
  const group1Sides = preview.body.split('Équilibre des volets — Groupe 1')[1].split('</table>')[0];
  t.match(textOf(group1Sides), /Technique 1 0 \(changé\)/);
  t.match(textOf(group1Sides), /Social 1 1 /);
  const group2Types = preview.body.split('Répartition par type de structure — Groupe 2')[1].split('</table>')[0];
  t.match(textOf(group2Types), /Association 0 1 \(changé\)/, 'and the types table');
  t.match(text, /types de structure [\d,]+ → [\d,]+, volets [\d,]+ → [\d,]+/, 'both overall balances');
  t.match(preview.body, `name="registrationId" value="${technical.id}"`);
  t.match(preview.body, 'name="locked" value="1"', 'the lock is carried to the confirmation');
  t.match(preview.body, `href="${base}#groups"`, 'a way back without moving');
  t.equal(await groupOf(technical.id), group1.id, 'nothing is moved by the preview');

  const confirmed = await browser.submit(base, `${base}/move`, {
    registrationId: String(technical.id),
    groupId: String(group2.id),
    locked: '1',
  });
  t.equal(confirmed.statusCode, 303);
  t.equal(await groupOf(technical.id), group2.id, 'confirmed: moved');
  const after = await em().findOneOrFail(Registration, { id: technical.id });
  t.equal(after.groupLocked, true);
});

t.test('a lock alone is saved at once; a refused preview says why', async (t) => {
  const lockOnly = await browser.submit(base, `${base}/move`, {
    step: 'preview',
    registrationId: String(technical.id),
    groupId: String(group2.id),
  });
  t.equal(lockOnly.statusCode, 303, 'same group: nothing to confirm');
  t.equal((await em().findOneOrFail(Registration, { id: technical.id })).groupLocked, false);

  const unknown = await browser.submit(base, `${base}/move`, {
    step: 'preview',
    registrationId: String(technical.id),
    groupId: '999999',
  });
  t.equal(unknown.statusCode, 400);
  t.match(textOf(unknown.body), "Ce groupe n'existe pas");

  const out = await browser.submit(base, `${base}/move`, {
    step: 'preview',
    registrationId: String(supplier.id),
    groupId: '',
  });
  t.equal(out.statusCode, 200);
  t.match(textOf(out.body), "Le groupe « Groupe 2 » n'aurait plus d'acteur économique.");
  t.match(textOf(out.body), 'vers « Sans groupe »');
});

t.test('a full group: the preview says the move would be refused, and offers no confirmation', async (t) => {
  const fork = em();
  const small = await fork.findOneOrFail(EventSession, { id: group1.id });
  small.capacity = 1;
  await fork.flush();
  const preview = await browser.submit(base, `${base}/move`, {
    step: 'preview',
    registrationId: String(supplier.id),
    groupId: String(group1.id),
  });
  t.equal(preview.statusCode, 200);
  t.match(textOf(preview.body), 'Le groupe « Groupe 1 » est complet (1 place) : le changement serait refusé.');
  t.notMatch(preview.body, 'Confirmer :', 'no confirm button');
  small.capacity = 5;
  await fork.flush();
});

t.test('API: the move is unchanged; ?dryRun=true gives the preview and moves nobody', async (t) => {
  const dry = await app.inject({
    method: 'PUT',
    url: `/api/v1/registrations/${technical.id}/group?dryRun=true`,
    headers: auth,
    payload: { groupId: group1.id },
  });
  t.equal(dry.statusCode, 200, dry.body);
  const body = dry.json();
  t.equal(body.registrationId, technical.id);
  t.equal(body.fromGroupId, group2.id);
  t.equal(body.toGroupId, group1.id);
  t.same(body.from.lostSides, ['technique'], 'group 2 would lose its technical actor');
  t.same(body.to.gainedSides, ['technique']);
  t.same(
    body.from.sides.find((s: { key: string }) => s.key === 'technique'),
    { key: 'technique', label: 'Technique', before: 1, after: 0, fairShare: body.from.sides[2].fairShare },
  );
  t.equal(await groupOf(technical.id), group2.id, 'not moved');

  const moved = await app.inject({
    method: 'PUT',
    url: `/api/v1/registrations/${technical.id}/group`,
    headers: auth,
    payload: { groupId: group1.id },
  });
  t.equal(moved.statusCode, 200);
  t.equal(moved.json().registrationId, technical.id, 'the member, as before');
  t.equal(await groupOf(technical.id), group1.id);
});
