import t from 'tap';
import { grantRole } from '../../src/access/access.service.js';
import { EventMember } from '../../src/access/event-member.entity.js';
import { Event } from '../../src/events/event.entity.js';
import { loadDefinition, saveDefinition } from '../../src/forms/form.service.js';
import { Organiser } from '../../src/organisers/organiser.entity.js';
import { createOrganiser } from '../../src/organisers/organiser.service.js';
import { Registration } from '../../src/registrations/registration.entity.js';
import { Browser, ORGANISER, buildTestApp, signedInOrganiser, textOf } from '../support/app.js';
import { attendee, openEvent } from '../support/events.js';

const { app, orm } = await buildTestApp(t);
const em = () => orm.em.fork();
const organiser = await signedInOrganiser(app);

t.test('an organiser builds a form through the pages alone, without JavaScript', async (t) => {
  const event = await openEvent(em());
  const base = `/admin/events/${event.id}/form`;

  const empty = await organiser.get(base);
  t.equal(empty.statusCode, 200);
  t.match(textOf(empty.body), 'Aucune question ajoutée');
  for (const label of ['Prénom', 'Nom', 'Adresse électronique', 'Type de structure'])
    t.match(textOf(empty.body), label, `built-in ${label} listed`);
  t.match((await organiser.get(`/admin/events/${event.id}`)).body, `href="${base}"`, 'linked from the event page');

  // A section, then a yes/no question in it.
  const section = await organiser.submit(`${base}/sections/new`, `${base}/sections`, {
    title: 'Repas',
    intro: 'Un déjeuner est offert par le CCAS.',
  });
  t.equal(section.statusCode, 303);
  const sectionId = (await loadDefinition(em(), event.id)).sections[0].id;
  const chooser = await organiser.get(`${base}/fields/new?section=${sectionId}`);
  t.match(chooser.body, 'name="type" value="group_preference"', 'every type is offered');
  t.match(textOf(chooser.body), 'Choix des groupes de travail');
  const lunchPage = `${base}/fields/new?section=${sectionId}&type=yesno`;
  t.match(textOf((await organiser.get(lunchPage)).body), 'Nouvelle question : Oui / non');
  const lunch = await organiser.submit(lunchPage, `${base}/fields`, {
    type: 'yesno',
    section: sectionId,
    label: 'Déjeunerez-vous sur place ?',
    help: '',
    required: '1',
    condition: [],
  });
  t.equal(lunch.statusCode, 303);
  t.equal(lunch.headers.location, `${base}#q-dejeunerez-vous-sur-place`, 'the key is made from the label');
  t.match(textOf((await organiser.get(base)).body), 'La question est ajoutée au formulaire.', 'the builder says so');

  // A conditional question: the page offers the earlier choice fields' answers.
  const allergiesPage = `${base}/fields/new?section=${sectionId}&type=textarea`;
  const offered = await organiser.get(allergiesPage);
  t.match(offered.body, 'value="dejeunerez-vous-sur-place:yes"');
  t.match(offered.body, 'value="structureType:travailleur-social"', 'the structure type can drive a condition');
  t.notMatch(offered.body, 'value="consent:', 'not the consent, which comes last');
  const allergies = await organiser.submit(allergiesPage, `${base}/fields`, {
    type: 'textarea',
    section: sectionId,
    label: 'Allergies ou régime alimentaire',
    help: 'Végétarien, sans gluten…',
    placeholder: '',
    minLength: '',
    maxLength: '300',
    condition: 'dejeunerez-vous-sur-place:yes',
  });
  t.equal(allergies.statusCode, 303);

  // A choice with options, saved and kept on its page to add more.
  const dietPage = `${base}/fields/new?section=${sectionId}&type=choice`;
  const diet = await organiser.submit(dietPage, `${base}/fields`, {
    type: 'choice',
    section: sectionId,
    label: 'Menu',
    display: 'radio',
    // biome-ignore lint/suspicious/noThenProperty: a form field named by the builder's condition UI
    then: 'stay',
    'option.0.key': '',
    'option.0.label': 'Viande',
    'option.0.position': '1',
    'option.1.key': '',
    'option.1.label': 'Poisson',
    'option.1.position': '2',
    'option.2.key': '',
    'option.2.label': 'Végétarien',
    'option.2.position': '3',
    'option.3.key': '',
    'option.3.label': '',
    'option.3.position': '4',
  });
  t.equal(diet.statusCode, 303);
  t.equal(diet.headers.location, `${base}/fields/menu`, '"save and stay" comes back to the field');
  t.match(textOf((await organiser.get(`${base}/fields/menu`)).body), 'La question est ajoutée', 'which says so');
  const dietEdit = await organiser.get(`${base}/fields/menu`);
  t.match(dietEdit.body, 'name="option.2.label" value="Végétarien"');
  t.match(dietEdit.body, 'name="option.5.label" value=""', 'blank rows to add options');
  t.match(
    dietEdit.body,
    /<input id="field-label" name="label" type="text" value="Menu"/,
    'a text box for the question',
  );
  // Rename, reorder, remove and add options in one go: keys stay with their option.
  const options = await organiser.submit(`${base}/fields/menu`, `${base}/fields/menu`, {
    label: 'Menu du déjeuner',
    display: 'select',
    required: '',
    'option.0.key': 'viande',
    'option.0.label': 'Viande',
    'option.0.position': '3',
    'option.0.remove': '1',
    'option.1.key': 'poisson',
    'option.1.label': 'Poisson du jour',
    'option.1.position': '2',
    'option.2.key': 'vegetarien',
    'option.2.label': 'Végétarien',
    'option.2.position': '1',
    'option.3.key': '',
    'option.3.label': 'Vegan',
    'option.3.position': '4',
    condition: 'dejeunerez-vous-sur-place:yes',
  });
  t.equal(options.statusCode, 303);
  const menu = (await loadDefinition(em(), event.id)).sections[0].fields.find((f) => f.key === 'menu')!;
  t.same(menu.options, [
    { key: 'vegetarien', label: 'Végétarien' },
    { key: 'poisson', label: 'Poisson du jour' },
    { key: 'vegan', label: 'Vegan' },
  ]);
  t.equal(menu.display, 'select');
  t.equal(menu.label, 'Menu du déjeuner');

  const builder = textOf((await organiser.get(base)).body);
  t.match(builder, 'La question est enregistrée.');
  t.match(builder, 'Allergies ou régime alimentaire Texte long');
  t.match(
    builder,
    'À remplir seulement si vous avez répondu « Oui » à « Déjeunerez-vous sur place ? »',
    'the condition is shown in the list',
  );

  // The public form now has the questions, in order.
  const page = textOf((await new Browser(app).get(`/e/${event.slug}/register`)).body);
  t.ok(
    page.indexOf('Repas') < page.indexOf('Déjeunerez-vous') &&
      page.indexOf('Déjeunerez-vous') < page.indexOf('Allergies') &&
      page.indexOf('Allergies') < page.indexOf('Menu du déjeuner'),
  );
});

t.test('a definition that makes no sense is refused with a clear message and nothing is lost', async (t) => {
  const event = await openEvent(em());
  const base = `/admin/events/${event.id}/form`;
  await organiser.submit(`${base}/sections/new`, `${base}/sections`, { title: 'Questions', intro: '' });
  await organiser.submit(`${base}/fields/new?type=yesno`, `${base}/fields`, {
    type: 'yesno',
    label: 'Déjeuner',
    required: '1',
  });
  await organiser.submit(`${base}/fields/new?type=text`, `${base}/fields`, {
    type: 'text',
    label: 'Allergies',
    condition: 'dejeuner:yes',
  });
  const before = await loadDefinition(em(), event.id);

  const noOption = await organiser.submit(`${base}/fields/new?type=choice`, `${base}/fields`, {
    type: 'choice',
    label: 'Menu',
    'option.0.key': '',
    'option.0.label': '',
  });
  t.equal(noOption.statusCode, 400);
  t.match(noOption.body, /id="field-options-error"[^>]*>.*Ajoutez au moins une réponse possible/s);
  t.match(noOption.body, 'value="Menu"', 'the values are kept');

  const minMax = await organiser.submit(`${base}/fields/new?type=text`, `${base}/fields`, {
    type: 'text',
    label: 'Nom',
    minLength: '10',
    maxLength: '5',
  });
  t.equal(minMax.statusCode, 400);
  t.match(textOf(minMax.body), 'Nombre minimum de caractères : Le minimum ne peut pas dépasser le maximum.');
  const notNumber = await organiser.submit(`${base}/fields/new?type=number`, `${base}/fields`, {
    type: 'number',
    label: 'Âge',
    min: 'dix-huit',
  });
  t.equal(notNumber.statusCode, 400);
  t.match(textOf(notNumber.body), 'Saisissez un nombre');

  const self = await organiser.submit(`${base}/fields/allergies`, `${base}/fields/allergies`, {
    label: 'Allergies',
    condition: 'allergies:x',
  });
  t.equal(self.statusCode, 400);
  t.match(textOf(self.body), 'Une question ne peut pas dépendre de sa propre réponse.');
  const later = await organiser.submit(`${base}/fields/dejeuner`, `${base}/fields/dejeuner`, {
    label: 'Déjeuner',
    condition: 'allergies:x',
  });
  t.equal(later.statusCode, 400);
  t.match(textOf(later.body), 'porte sur « Allergies », qui doit être placée avant elle');
  const twoFields = await organiser.submit(`${base}/fields/allergies`, `${base}/fields/allergies`, {
    label: 'Allergies',
    condition: ['dejeuner:yes', 'structureType:association'],
  });
  t.equal(twoFields.statusCode, 400);
  t.match(textOf(twoFields.body), "cochez des réponses d'une seule question");
  const dropOption = await organiser.submit(`${base}/fields/dejeuner`, `${base}/fields/dejeuner`, {
    label: '',
    required: '1',
  });
  t.equal(dropOption.statusCode, 400);
  t.match(dropOption.body, /id="field-label-error"/, 'an empty label');

  // Moving the trigger below its dependent, or deleting it, is refused on the builder page.
  const move = await organiser.submit(base, `${base}/fields/dejeuner/move`, { direction: 'down' });
  t.equal(move.statusCode, 400);
  t.match(
    textOf(move.body),
    'Allergies : La condition de « Allergies » porte sur « Déjeuner », qui doit être placée avant elle',
  );
  t.match(move.body, 'href="#q-allergies"', 'the summary links to the question at fault');
  const confirm = await organiser.get(`${base}/fields/dejeuner/delete`);
  t.match(textOf(confirm.body), 'Supprimer la question « Déjeuner » du formulaire ?');
  const remove = await organiser.submit(`${base}/fields/dejeuner/delete`, `${base}/fields/dejeuner/delete`, {});
  t.equal(remove.statusCode, 400);
  t.match(textOf(remove.body), "Modifiez d'abord la condition de « Allergies »");
  const sectionId = before.sections[0].id;
  const removeSection = await organiser.submit(base, `${base}/sections/${sectionId}/delete`, {});
  t.equal(removeSection.statusCode, 409);
  t.match(textOf(removeSection.body), 'Cette section contient encore 2 questions');

  t.same(await loadDefinition(em(), event.id), before, 'the saved form is untouched');
  t.equal((await organiser.get(`${base}/fields/nothing`)).statusCode, 404);
  t.equal((await organiser.get(`${base}/builtins/nothing`)).statusCode, 404);
  t.equal((await organiser.get(`${base}/fields/new?type=nothing`)).statusCode, 400, 'an unknown type: choose again');
  t.equal(
    (await organiser.post(`${base}/fields/dejeuner/move`, { direction: 'down' })).statusCode,
    403,
    'CSRF token required',
  );
  t.equal((await new Browser(app).get(base)).statusCode, 303, 'organisers only');
});

t.test('reordering, sections, deleting, built-in texts and the preview', async (t) => {
  const event = await openEvent(em());
  const base = `/admin/events/${event.id}/form`;
  await organiser.submit(`${base}/fields/new?type=text`, `${base}/fields`, { type: 'text', label: 'Fonction' });
  await organiser.submit(`${base}/fields/new?type=phone`, `${base}/fields`, { type: 'phone', label: 'Téléphone' });
  await organiser.submit(`${base}/sections/new`, `${base}/sections`, { title: 'Venue', intro: '' });
  await organiser.submit(`${base}/fields/new?type=info`, `${base}/fields`, {
    type: 'info',
    label: '',
    text: 'Tram A, arrêt Monplaisir.',
  });
  const order = async () =>
    (await loadDefinition(em(), event.id)).sections.map((s) => [s.title, ...s.fields.map((f) => f.key)]);
  t.same(
    await order(),
    [
      ['', 'fonction', 'telephone'],
      ['Venue', 'information'],
    ],
    'a first question gets an untitled section; the next go to the last section',
  );

  t.equal((await organiser.submit(base, `${base}/fields/fonction/move`, { direction: 'down' })).statusCode, 303);
  t.same(await order(), [
    ['', 'telephone', 'fonction'],
    ['Venue', 'information'],
  ]);
  await organiser.submit(base, `${base}/fields/fonction/move`, { direction: 'down' });
  t.same(
    await order(),
    [
      ['', 'telephone'],
      ['Venue', 'fonction', 'information'],
    ],
    'past the end of its section, into the next one',
  );
  await organiser.submit(base, `${base}/fields/fonction/move`, { direction: 'up' });
  t.same(await order(), [
    ['', 'telephone', 'fonction'],
    ['Venue', 'information'],
  ]);
  const [first, second] = (await loadDefinition(em(), event.id)).sections;
  await organiser.submit(base, `${base}/sections/${second.id}/move`, { direction: 'up' });
  t.same(await order(), [
    ['Venue', 'information'],
    ['', 'telephone', 'fonction'],
  ]);
  const renamed = await organiser.submit(`${base}/sections/${first.id}`, `${base}/sections/${first.id}`, {
    title: 'Contact',
    intro: 'Pour vous joindre le jour même.',
  });
  t.equal(renamed.statusCode, 303);
  const tooLong = await organiser.submit(`${base}/sections/${first.id}`, `${base}/sections/${first.id}`, {
    title: 'x'.repeat(300),
    intro: '',
  });
  t.equal(tooLong.statusCode, 400);
  t.match(textOf(tooLong.body), 'Titre : 200 caractères au maximum.');
  await organiser.submit(`${base}/fields/fonction/delete`, `${base}/fields/fonction/delete`, {});
  await organiser.submit(`${base}/fields/telephone/delete`, `${base}/fields/telephone/delete`, {});
  t.equal(
    (await organiser.submit(base, `${base}/sections/${first.id}/delete`, {})).statusCode,
    303,
    'an empty section can go',
  );
  t.same(await order(), [['Venue', 'information']]);

  // Built-in fields: their texts change, they stay.
  const builtIn = await organiser.submit(`${base}/builtins/organisation`, `${base}/builtins/organisation`, {
    label: 'Employeur',
    help: 'Le nom de votre structure.',
  });
  t.equal(builtIn.statusCode, 303);
  const publicPage = await new Browser(app).get(`/e/${event.slug}/register`);
  t.match(publicPage.body, /<label for="field-organisation">Employeur/);
  t.match(textOf(publicPage.body), 'Le nom de votre structure.');
  t.match(textOf(publicPage.body), 'Tram A, arrêt Monplaisir.');
  const englishPage = await new Browser(app, { 'accept-language': 'en' }).get(`/e/${event.slug}/register`);
  t.match(textOf(englishPage.body), 'First name', 'untouched built-in labels stay translated');
  await organiser.submit(`${base}/builtins/organisation`, `${base}/builtins/organisation`, { label: '', help: '' });
  t.match(
    (await new Browser(app).get(`/e/${event.slug}/register`)).body,
    /<label for="field-organisation">Structure \(organisme employeur\)/,
    'empty: back to the default',
  );

  // Preview: the same form, checked without storing anything.
  await organiser.submit(`${base}/fields/new?type=yesno`, `${base}/fields`, {
    type: 'yesno',
    label: 'Déjeuner',
    required: '1',
  });
  const preview = await organiser.get(`${base}/preview`);
  t.equal(preview.statusCode, 200);
  t.match(textOf(preview.body), 'Aperçu du formulaire');
  t.match(preview.body, 'id="field-dejeuner"');
  t.match(preview.body, `action="${base}/preview"`);
  const tried = await organiser.submit(`${base}/preview`, `${base}/preview`, { ...attendee(1) });
  t.equal(tried.statusCode, 400);
  t.match(tried.body, 'id="field-dejeuner-error"');
  const accepted = await organiser.submit(`${base}/preview`, `${base}/preview`, { ...attendee(1), dejeuner: 'no' });
  t.equal(accepted.statusCode, 200);
  t.match(textOf(accepted.body), 'Ces réponses seraient acceptées');
  t.equal(await em().count(Registration, { event: event.id }), 0, 'the preview stores nothing');
});

t.test('a form is copied from another event', async (t) => {
  const last = await openEvent(em(), { title: 'Atelier 2025' });
  const base = `/admin/events/${last.id}/form`;
  await organiser.submit(`${base}/sections/new`, `${base}/sections`, { title: 'Repas', intro: '' });
  await organiser.submit(`${base}/fields/new?type=yesno`, `${base}/fields`, { type: 'yesno', label: 'Déjeuner' });
  await organiser.submit(`${base}/fields/new?type=text`, `${base}/fields`, {
    type: 'text',
    label: 'Quartier',
    condition: 'structureType:travailleur-social',
  });
  await organiser.submit(`${base}/builtins/organisation`, `${base}/builtins/organisation`, {
    label: 'Employeur',
    help: '',
  });

  const next = await openEvent(em(), { title: 'Atelier 2026' });
  const copyPage = await organiser.get(`/admin/events/${next.id}/form/copy`);
  t.match(textOf(copyPage.body), 'Atelier 2025');
  t.notMatch(copyPage.body, `<option value="${next.id}"`, 'not itself');
  const copied = await organiser.submit(`/admin/events/${next.id}/form/copy`, `/admin/events/${next.id}/form/copy`, {
    from: String(last.id),
  });
  t.equal(copied.statusCode, 303);
  t.match(textOf((await organiser.get(String(copied.headers.location))).body), 'Le formulaire a été copié.');
  t.same(
    await loadDefinition(em(), next.id),
    await loadDefinition(em(), last.id),
    'the same questions, keys and texts',
  );

  const self = await organiser.submit(`/admin/events/${next.id}/form/copy`, `/admin/events/${next.id}/form/copy`, {
    from: String(next.id),
  });
  t.equal(self.statusCode, 400);
  const unknown = await organiser.submit(`/admin/events/${next.id}/form/copy`, `/admin/events/${next.id}/form/copy`, {
    from: 'abc',
  });
  t.equal(unknown.statusCode, 400);

  // An event without the "travailleur-social" type cannot take a condition on it: refused, explained.
  const other = await openEvent(em(), {
    title: 'Réunion bailleurs',
    structureTypes: [{ key: 'bailleur-social', label: 'Bailleur social' }],
  });
  const refused = await organiser.submit(`/admin/events/${other.id}/form/copy`, `/admin/events/${other.id}/form/copy`, {
    from: String(last.id),
  });
  t.equal(refused.statusCode, 400);
  t.match(
    textOf(refused.body),
    "Quartier : La condition de « Quartier » attend la réponse « travailleur-social », qui n'existe pas (ou plus) dans « Type de structure ».",
  );
  t.same((await loadDefinition(em(), other.id)).sections, [], 'nothing copied');
});

t.test("the copy page lists and copies only the forms of the organiser's own events", async (t) => {
  // Another organiser's events: one published, one still a draft, both with a designed form.
  const stranger = await createOrganiser(em(), {
    email: 'autre@ailleurs.fr',
    name: 'Autre',
    password: 'mot-de-passe-autre',
  });
  const theirs = [];
  for (const [title, status] of [
    ['Réunion confidentielle', 'published'],
    ['Brouillon confidentiel', 'draft'],
  ] as const) {
    const e = await openEvent(em(), { title, status });
    await em().nativeDelete(EventMember, { event: e.id });
    await grantRole(em(), await em().findOneOrFail(Event, e.id), stranger, 'owner');
    await saveDefinition(em(), e, {
      ...(await loadDefinition(em(), e.id)),
      sections: [{ id: 's1', title: 'Questions secrètes', intro: '', fields: [] }],
    });
    theirs.push(e);
  }
  // An event of theirs that the organiser may read: a viewer may copy its form.
  const shared = await openEvent(em(), { title: 'Atelier partagé' });
  await em().nativeDelete(EventMember, { event: shared.id });
  await grantRole(em(), await em().findOneOrFail(Event, shared.id), stranger, 'owner');
  const me = await em().findOneOrFail(Organiser, { email: ORGANISER.email });
  await grantRole(em(), await em().findOneOrFail(Event, shared.id), me, 'viewer');
  await saveDefinition(em(), shared, {
    ...(await loadDefinition(em(), shared.id)),
    sections: [{ id: 's1', title: 'Repas partagé', intro: '', fields: [] }],
  });

  const target = await openEvent(em(), { title: 'Atelier 2027' });
  const copy = `/admin/events/${target.id}/form/copy`;
  const page = await organiser.get(copy);
  t.equal(page.statusCode, 200);
  for (const e of theirs) {
    t.notMatch(page.body, `<option value="${e.id}"`, `${e.title}: not offered`);
    t.notMatch(textOf(page.body), e.title);
  }
  t.match(page.body, `<option value="${shared.id}"`, 'an event where the organiser is a viewer is offered');

  for (const e of theirs) {
    const stolen = await organiser.submit(copy, copy, { from: String(e.id) });
    t.equal(stolen.statusCode, 404, `${e.title}: cannot be copied`);
    t.notMatch(textOf(stolen.body), 'Questions secrètes');
  }
  t.same((await loadDefinition(em(), target.id)).sections, [], 'nothing copied');
  const allowed = await organiser.submit(copy, copy, { from: String(shared.id) });
  t.equal(allowed.statusCode, 303);
  t.equal((await loadDefinition(em(), target.id)).sections[0].title, 'Repas partagé');
});
