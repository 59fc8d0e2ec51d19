import t from 'tap';
import { Event } from '../../src/events/event.entity.js';
import { createApiToken, createOrganiser } from '../../src/organisers/organiser.service.js';
import { register } from '../../src/registrations/registration.service.js';
import { setRegistrationSide } from '../../src/registrations/registration-side.js';
import { buildTestApp, signedInOrganiser, textOf } from '../support/app.js';
import { attendee, openEvent } from '../support/events.js';

const { app, orm } = await buildTestApp(t);
const organiser = await signedInOrganiser(app);
await createOrganiser(orm.em.fork(), { email: 'api@alisee.fr', password: 'mot-de-passe-api' });
const auth = { authorization: `Bearer ${await createApiToken(orm.em.fork(), 'api@alisee.fr')}` };

const SIDES = [
  { key: 'social', label: 'Social' },
  { key: 'economique', label: 'Économique' },
  { key: 'technique', label: 'Technique' },
  { key: 'juridique', label: 'Juridique' },
];
const em = orm.em.fork();
const event = await openEvent(em, { sides: SIDES });
const alice = await register(em, event, {
  ...attendee(1, 'travailleur-social'),
  firstName: 'Alice',
  lastName: 'Martin',
});
await setRegistrationSide(em, event, alice, 'juridique');
const stored = async () => orm.em.fork().findOneOrFail(Event, { id: event.id });
const patch = (payload: unknown) =>
  app.inject({ method: 'PATCH', url: `/api/v1/events/${event.id}`, headers: auth, payload: payload as object });

t.test('API: removing a side a structure type is on is refused with 409, saying which type', async (t) => {
  // "association" has no side of its own: its usual side is "technique".
  const refused = await patch({ sides: SIDES.filter((s) => s.key !== 'technique') });
  t.equal(refused.statusCode, 409, refused.body);
  const body = refused.json();
  t.equal(body.error, 'side_in_use');
  t.same(
    body.details.map((d: { code: string }) => d.code),
    ['side_used_by_types'],
  );
  t.match(body.details[0].message, /« Technique » est celui du type « Association »/);
  t.same(
    (await stored()).sides?.map((s) => s.key),
    SIDES.map((s) => s.key),
    'nothing saved is lost',
  );

  // Moving the type off the side in the same change lets it go.
  const types = (await stored()).structureTypes.map((type) =>
    type.key === 'association' ? { ...type, side: 'economique' } : type,
  );
  const accepted = await patch({ sides: SIDES.filter((s) => s.key !== 'technique'), structureTypes: types });
  t.equal(accepted.statusCode, 200, accepted.body);
  t.notOk(
    accepted.json().sides.some((s: { key: string }) => s.key === 'technique'),
    'the unused side is gone',
  );
});

t.test('API: removing a side a person was set on is refused, naming the person', async (t) => {
  const refused = await patch({ sides: SIDES.filter((s) => !['juridique', 'technique'].includes(s.key)) });
  t.equal(refused.statusCode, 409, refused.body);
  const detail = refused.json().details.find((d: { code: string }) => d.code === 'side_used_by_people');
  t.ok(detail, 'the people using it are the reason');
  t.match(detail.message, /« Juridique » a été choisi pour 1 personne \(Alice Martin\)/);
  t.equal((await stored()).sides?.length, 3, 'the stored sides are unchanged');
  const list = (await app.inject({ url: `/api/v1/events/${event.id}/registrations`, headers: auth })).json();
  t.equal(list.items[0].side, 'juridique', "the person's side is kept");
  // Renaming the side is fine.
  const renamed = await patch({
    sides: (await stored()).sides?.map((s) => (s.key === 'juridique' ? { ...s, label: 'Accès aux droits' } : s)),
  });
  t.equal(renamed.statusCode, 200, renamed.body);
});

t.test('page: the refusal is shown on the form, with the side put back, and nothing is saved', async (t) => {
  const current = await stored();
  const url = `/admin/events/${event.id}/structure-types`;
  const fields: Record<string, string> = {};
  current.structureTypes.forEach((type, i) => {
    fields[`key.${i}`] = type.key;
    fields[`label.${i}`] = type.key === 'autre' ? 'Autre structure' : type.label;
    fields[`position.${i}`] = String(i + 1);
    fields[`side.${i}`] = type.key === 'travailleur-social' ? 'juridique' : (type.side ?? 'social');
  });
  (current.sides ?? []).forEach((side, i) => {
    fields[`sideKey.${i}`] = side.key;
    fields[`sideLabel.${i}`] = side.label;
  });
  const jur = (current.sides ?? []).findIndex((s) => s.key === 'juridique');
  const refused = await organiser.submit(url, url, { ...fields, [`sideRemove.${jur}`]: '1' });
  t.equal(refused.statusCode, 409);
  const text = textOf(refused.body);
  t.match(text, 'Le volet « Accès aux droits » est celui du type « Travailleur social »');
  t.match(text, 'a été choisi pour 1 personne (Alice Martin)');
  t.match(refused.body, 'href="#field-sides"', 'the error summary links to the sides table');
  t.match(refused.body, 'value="Accès aux droits"', 'the refused side is shown again');
  const after = await stored();
  t.equal(after.structureTypes.find((s) => s.key === 'autre')?.label, 'Autre', 'the types are not saved either');
  t.ok(
    after.sides?.some((s) => s.key === 'juridique'),
    'the side is kept',
  );

  // Without the removal, the same form saves types and sides together.
  const saved = await organiser.submit(url, url, fields);
  t.equal(saved.statusCode, 303);
  const done = await stored();
  t.equal(done.structureTypes.find((s) => s.key === 'travailleur-social')?.side, 'juridique');
  t.equal(done.structureTypes.find((s) => s.key === 'autre')?.label, 'Autre structure');
});
