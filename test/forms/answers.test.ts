import t from 'tap';
import { Event } from '../../src/events/event.entity.js';
import { loadDefinition, saveDefinition } from '../../src/forms/form.service.js';
import { groupPreferences } from '../../src/forms/group-preferences.js';
import { Registration } from '../../src/registrations/registration.entity.js';
import { Browser, buildTestApp, signedInOrganiser, textOf } from '../support/app.js';
import { attendee, openEvent } from '../support/events.js';

const { app, orm } = await buildTestApp(t);
const em = () => orm.em.fork();
const organiser = await signedInOrganiser(app);

async function eventWithForm(overrides = {}) {
  const event = await openEvent(em(), overrides);
  await saveDefinition(em(), event, {
    sections: [
      {
        title: 'Vos besoins',
        intro: '',
        fields: [
          { key: 'dejeuner', type: 'yesno', label: 'Déjeuner', required: true },
          {
            key: 'menu',
            type: 'choice',
            label: 'Menu',
            options: [
              { key: 'viande', label: 'Viande' },
              { key: 'vege', label: 'Végétarien' },
            ],
            condition: { field: 'dejeuner', values: ['yes'] },
          },
          { key: 'transport', type: 'text', label: 'Moyen de transport' },
          { key: 'groupes', type: 'group_preference', label: 'Groupes préférés', ranks: 2 },
        ],
      },
    ],
  });
  return event;
}

function tokenOf(location: unknown) {
  return String(location).split('/')[2].split('?')[0];
}

t.test('answers are stored with what the attendee saw, and editing the form later keeps them', async (t) => {
  const event = await eventWithForm();
  const [group1, group2] = event.sessions.getItems().filter((s) => s.kind === 'breakout');
  const browser = new Browser(app);
  const done = await browser.submit(`/e/${event.slug}/register`, `/e/${event.slug}/register`, {
    ...attendee(1),
    dejeuner: 'yes',
    menu: 'vege',
    transport: 'Tram',
    'groupes.1': String(group2.id),
    'groupes.2': String(group1.id),
  });
  t.equal(done.statusCode, 303);
  const saved = await em().findOneOrFail(Registration, { email: 'personne1@exemple.fr' });
  t.same(saved.answers, {
    dejeuner: { label: 'Déjeuner', type: 'yesno', value: true },
    menu: { label: 'Menu', type: 'choice', value: 'vege', options: { vege: 'Végétarien' } },
    transport: { label: 'Moyen de transport', type: 'text', value: 'Tram' },
    groupes: {
      label: 'Groupes préférés',
      type: 'group_preference',
      value: [group2.id, group1.id],
      options: { [group2.id]: 'Groupe 2', [group1.id]: 'Groupe 1' },
    },
  });
  t.same(
    groupPreferences(await loadDefinition(em(), event.id), saved.answers),
    [group2.id, group1.id],
    'for the group assignment',
  );
  const own = textOf((await browser.get(`/r/${saved.token}`)).body);
  t.match(own, 'Menu Végétarien', 'the attendee sees their answers');
  t.match(own, 'Groupes préférés 1. Groupe 2 ; 2. Groupe 1');

  const table = await organiser.get(`/admin/events/${event.id}/registrations`);
  t.match(
    table.body,
    /<th scope="col">Déjeuner<\/th><th scope="col">Menu<\/th><th scope="col">Moyen de transport<\/th><th scope="col">Groupes préférés<\/th>/,
    'a column per question',
  );
  t.match(textOf(table.body), 'Oui Végétarien Tram 1. Groupe 2 ; 2. Groupe 1');

  // The organiser renames the question and an option, then removes the transport question.
  await saveDefinition(em(), await em().findOneOrFail(Event, { id: event.id }, { populate: ['sessions'] }), {
    sections: [
      {
        title: 'Vos besoins',
        intro: '',
        fields: [
          { key: 'dejeuner', type: 'yesno', label: 'Déjeunerez-vous sur place ?', required: true },
          {
            key: 'menu',
            type: 'choice',
            label: 'Menu',
            options: [
              { key: 'viande', label: 'Viande' },
              { key: 'vege', label: 'Menu sans viande' },
            ],
            condition: { field: 'dejeuner', values: ['yes'] },
          },
          { key: 'groupes', type: 'group_preference', label: 'Groupes préférés', ranks: 2 },
          { key: 'transport-2', type: 'text', label: 'Moyen de transport' },
        ],
      },
    ],
  });
  t.same(
    (await em().findOneOrFail(Registration, { id: saved.id })).answers,
    saved.answers,
    'stored answers are untouched',
  );
  const after = await organiser.get(`/admin/events/${event.id}/registrations`);
  t.match(after.body, '<th scope="col">Déjeunerez-vous sur place ?</th>', 'columns follow the current form');
  t.match(
    textOf(after.body),
    'Oui Végétarien 1. Groupe 2 ; 2. Groupe 1',
    'cells read as answered: the option label of the time',
  );
  t.match(after.body, `href="/admin/events/${event.id}/registrations/${saved.id}"`);

  const detail = await organiser.get(`/admin/events/${event.id}/registrations/${saved.id}`);
  t.equal(detail.statusCode, 200);
  const text = textOf(detail.body);
  t.match(
    text,
    'Déjeuner (question renommée depuis : « Déjeunerez-vous sur place ? ») Oui',
    "the label the attendee saw, and today's",
  );
  t.match(text, 'Réponses à des questions retirées du formulaire');
  t.match(text, 'Moyen de transport Tram', "a removed field's answer stays visible");
  t.equal((await organiser.get(`/admin/events/${event.id}/registrations/999999`)).statusCode, 404);
  const otherEvent = await openEvent(em());
  t.equal(
    (await organiser.get(`/admin/events/${otherEvent.id}/registrations/${saved.id}`)).statusCode,
    404,
    'only within its event',
  );
  t.equal(
    (await new Browser(app).get(`/admin/events/${event.id}/registrations/${saved.id}`)).statusCode,
    303,
    'organisers only',
  );
});

t.test('the attendee changes their answers on their private page', async (t) => {
  const event = await eventWithForm();
  const browser = new Browser(app);
  const done = await browser.submit(`/e/${event.slug}/register`, `/e/${event.slug}/register`, {
    ...attendee(2),
    dejeuner: 'yes',
    menu: 'viande',
    transport: 'Vélo',
  });
  const token = tokenOf(done.headers.location);
  t.match((await browser.get(`/r/${token}`)).body, `href="/r/${token}/edit"`);

  const edit = await browser.get(`/r/${token}/edit`);
  t.equal(edit.statusCode, 200);
  t.match(edit.body, 'value="Prénom2"', 'prefilled: built-in answers');
  t.match(edit.body, /value="yes" checked/, 'prefilled: custom answers');
  t.match(edit.body, /<option value="viande" selected>|value="viande" checked/);
  t.match(edit.body, 'value="Vélo"');
  t.match(edit.body, /name="consent" value="yes" checked/);

  const invalid = await browser.submit(`/r/${token}/edit`, `/r/${token}/edit`, {
    ...attendee(2),
    dejeuner: '',
    transport: 'Bus',
  });
  t.equal(invalid.statusCode, 400, "the form's rules apply");
  t.match(invalid.body, 'id="field-dejeuner-error"');
  t.match(invalid.body, 'value="Bus"', 'values kept');

  const changed = await browser.submit(`/r/${token}/edit`, `/r/${token}/edit`, {
    ...attendee(2),
    organisation: "CCAS d'Angers",
    dejeuner: 'no',
    menu: 'viande',
    transport: 'Bus',
  });
  t.equal(changed.statusCode, 303);
  t.equal(changed.headers.location, `/r/${token}?updated=1`);
  t.match(textOf((await browser.get(String(changed.headers.location))).body), 'Vos réponses ont été enregistrées.');
  const saved = await em().findOneOrFail(Registration, { token });
  t.equal(saved.organisation, "CCAS d'Angers");
  t.same(Object.keys(saved.answers).sort(), ['dejeuner', 'transport'], 'the menu, now hidden, is dropped');
  t.equal((saved.answers.transport as { value: string }).value, 'Bus');

  // A removed question's answer survives the attendee's later edits.
  const reloaded = await em().findOneOrFail(Event, { id: event.id }, { populate: ['sessions'] });
  const definition = await loadDefinition(em(), event.id);
  definition.sections[0].fields = definition.sections[0].fields.filter((f) => f.key !== 'transport');
  await saveDefinition(em(), reloaded, definition);
  const again = await browser.submit(`/r/${token}/edit`, `/r/${token}/edit`, {
    ...attendee(2),
    dejeuner: 'yes',
    menu: 'vege',
  });
  t.equal(again.statusCode, 303);
  const kept = await em().findOneOrFail(Registration, { token });
  t.equal((kept.answers.transport as { value: string }).value, 'Bus', 'kept');
  t.equal((kept.answers.menu as { value: string }).value, 'vege');

  // Another attendee's email cannot be taken.
  await new Browser(app).submit(`/e/${event.slug}/register`, `/e/${event.slug}/register`, {
    ...attendee(3),
    dejeuner: 'no',
  });
  const taken = await browser.submit(`/r/${token}/edit`, `/r/${token}/edit`, {
    ...attendee(2),
    email: 'personne3@exemple.fr',
    dejeuner: 'no',
  });
  t.equal(taken.statusCode, 409);
  t.match(taken.body, 'id="field-email-error"');
  t.equal((await em().findOneOrFail(Registration, { token })).email, 'personne2@exemple.fr');

  t.equal(
    (await browser.post(`/r/${token}/edit`, { ...attendee(2), dejeuner: 'no' })).statusCode,
    403,
    'CSRF token required',
  );
  t.equal((await browser.get('/r/nope/edit')).statusCode, 404);
});

t.test('no edits once cancelled or once registration is closed', async (t) => {
  const event = await eventWithForm();
  const browser = new Browser(app);
  const done = await browser.submit(`/e/${event.slug}/register`, `/e/${event.slug}/register`, {
    ...attendee(4),
    dejeuner: 'no',
  });
  const token = tokenOf(done.headers.location);
  await browser.submit(`/r/${token}/cancel`, `/r/${token}/cancel`, {});
  const cancelled = await browser.get(`/r/${token}/edit`);
  t.equal(cancelled.statusCode, 409);
  t.match(textOf(cancelled.body), 'Cette inscription a été annulée.');
  t.notMatch(textOf((await browser.get(`/r/${token}`)).body), 'Modifier mes réponses');
  const post = await browser.submit(`/e/${event.slug}/register`, `/r/${token}/edit`, {
    ...attendee(4),
    dejeuner: 'yes',
  });
  t.equal(post.statusCode, 410);

  const open = await eventWithForm();
  const other = new Browser(app);
  const token2 = tokenOf(
    (await other.submit(`/e/${open.slug}/register`, `/e/${open.slug}/register`, { ...attendee(5), dejeuner: 'no' }))
      .headers.location,
  );
  const closing = await em().findOneOrFail(Event, { id: open.id });
  closing.status = 'closed';
  await em().persistAndFlush(closing);
  const closed = await other.get(`/r/${token2}/edit`);
  t.equal(closed.statusCode, 409);
  t.match(textOf(closed.body), 'vos réponses ne peuvent plus être modifiées');
});
