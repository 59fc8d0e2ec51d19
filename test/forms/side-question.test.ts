import t from 'tap';
import { loadDefinition } from '../../src/forms/form.service.js';
import { createApiToken, createOrganiser } from '../../src/organisers/organiser.service.js';
import { Registration } from '../../src/registrations/registration.entity.js';
import { Browser, buildTestApp, signedInOrganiser, textOf } from '../support/app.js';
import { attendee, openEvent } from '../support/events.js';

const { app, orm } = await buildTestApp(t);
const em = () => orm.em.fork();
const organiser = await signedInOrganiser(app);
await createOrganiser(em(), { email: 'api@alisee.fr', password: 'mot-de-passe-api' });
const auth = { authorization: `Bearer ${await createApiToken(em(), 'api@alisee.fr')}` };

const event = await openEvent(em(), {
  capacity: 20,
  sides: [
    { key: 'social', label: 'Accompagnement social' },
    { key: 'economique', label: 'Conseil budgétaire' },
    { key: 'technique', label: 'Bâtiment et énergie' },
  ],
});
const base = `/admin/events/${event.id}/form`;
const registration = async (email: string) => em().findOneOrFail(Registration, { event: event.id, email });

t.test('the builder offers the question, named "Votre domaine d\'intervention" by default', async (t) => {
  const chooser = await organiser.get(`${base}/fields/new`);
  t.match(chooser.body, 'name="type" value="side"', 'offered among the types');
  t.match(textOf(chooser.body), "Domaine d'intervention (volet)");
  const page = await organiser.get(`${base}/fields/new?type=side`);
  t.equal(page.statusCode, 200);
  t.match(page.body, 'value="Votre domaine d&#39;intervention"', 'the label is filled in');
  const english = await organiser.get(`${base}/fields/new?type=side&lang=en`, { 'accept-language': 'en' });
  t.match(english.body, 'value="Your field of work"', 'in English too');
  await organiser.get(`${base}?lang=fr`);

  const added = await organiser.submit(`${base}/fields/new?type=side`, `${base}/fields`, {
    type: 'side',
    label: "Votre domaine d'intervention",
    help: '',
    required: '1',
    display: 'radio',
    condition: [],
  });
  t.equal(added.statusCode, 303, added.body);
  const definition = await loadDefinition(em(), event.id);
  const field = definition.sections.flatMap((s) => s.fields).find((f) => f.type === 'side');
  t.equal(field?.key, 'votre-domaine-d-intervention');
  t.equal(field?.options, undefined, 'the options are not stored: they are the event sides, read when shown');

  const twice = await organiser.submit(`${base}/fields/new?type=side`, `${base}/fields`, {
    type: 'side',
    label: 'Volet',
    required: '1',
    display: 'radio',
  });
  t.equal(twice.statusCode, 400, 'only one such question');
  t.match(textOf(twice.body), 'déjà une question de domaine d');
});

t.test('the public form offers the event sides; the answer sets the person side over their type', async (t) => {
  const browser = new Browser(app);
  const form = await browser.get(`/e/${event.slug}/register`);
  const text = textOf(form.body);
  t.match(text, "Votre domaine d'intervention");
  for (const label of ['Accompagnement social', 'Conseil budgétaire', 'Bâtiment et énergie']) t.match(text, label);
  t.match(form.body, 'name="votre-domaine-d-intervention" value="economique"');

  // An association (technical by its type) doing debt advice.
  const done = await browser.submit(`/e/${event.slug}/register`, `/e/${event.slug}/register`, {
    ...attendee(1, 'association'),
    'votre-domaine-d-intervention': 'economique',
  });
  t.equal(done.statusCode, 303, done.body);
  const saved = await registration('personne1@exemple.fr');
  t.equal(saved.side, 'economique', 'the side is set at registration');

  const missing = await new Browser(app).submit(`/e/${event.slug}/register`, `/e/${event.slug}/register`, {
    ...attendee(2, 'association'),
  });
  t.equal(missing.statusCode, 400, 'required: an answer is asked for');
  const unknown = await new Browser(app).submit(`/e/${event.slug}/register`, `/e/${event.slug}/register`, {
    ...attendee(2, 'association'),
    'votre-domaine-d-intervention': 'juridique',
  });
  t.equal(unknown.statusCode, 400, 'a side the event does not have is refused');

  const list = (await app.inject({ url: `/api/v1/events/${event.id}/registrations`, headers: auth })).json();
  const item = list.items.find((r: { email: string }) => r.email === 'personne1@exemple.fr');
  t.equal(item.side, 'economique', 'the API says the side');
  t.equal(item.sideSetByHand, true, 'apart from the type side');
});

t.test('the API registration sets it too', async (t) => {
  const created = await app.inject({
    method: 'POST',
    url: `/api/v1/events/${event.id}/registrations`,
    headers: auth,
    payload: {
      ...{ firstName: 'Paul', lastName: 'Durand', email: 'paul@exemple.fr', organisation: 'Mairie' },
      ...{ structureType: 'collectivite', consent: true, answers: { 'votre-domaine-d-intervention': 'technique' } },
    },
  });
  t.equal(created.statusCode, 201, created.body);
  t.equal(created.json().side, 'technique');
});

t.test('the private page edit form shows the question; a new answer changes the side', async (t) => {
  const saved = await registration('personne1@exemple.fr');
  const browser = new Browser(app);
  const edit = await browser.get(`/r/${saved.token}/edit`);
  t.equal(edit.statusCode, 200);
  t.match(textOf(edit.body), "Votre domaine d'intervention");
  t.match(edit.body, /value="economique"[^>]*checked/, 'the answer is ticked');

  const fields = {
    firstName: saved.firstName,
    lastName: saved.lastName,
    email: saved.email,
    organisation: saved.organisation,
    structureType: saved.structureType,
    consent: 'yes',
  };
  const changed = await browser.submit(`/r/${saved.token}/edit`, `/r/${saved.token}/edit`, {
    ...fields,
    'votre-domaine-d-intervention': 'social',
  });
  t.equal(changed.statusCode, 303, changed.body);
  t.equal((await registration('personne1@exemple.fr')).side, 'social');

  // An organiser sets another side; the attendee's later edit that keeps their answer leaves it.
  const patched = await app.inject({
    method: 'PATCH',
    url: `/api/v1/registrations/${saved.id}`,
    headers: auth,
    payload: { side: 'technique' },
  });
  t.equal(patched.statusCode, 200, patched.body);
  const kept = await browser.submit(`/r/${saved.token}/edit`, `/r/${saved.token}/edit`, {
    ...fields,
    organisation: 'Crésus Anjou',
    'votre-domaine-d-intervention': 'social',
  });
  t.equal(kept.statusCode, 303, kept.body);
  const after = await registration('personne1@exemple.fr');
  t.equal(after.organisation, 'Crésus Anjou');
  t.equal(after.side, 'technique', "the organiser's choice stays while the answer is unchanged");
});
