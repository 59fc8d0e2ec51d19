import t from 'tap';
import { Event } from '../../src/events/event.entity.js';
import { Registration } from '../../src/registrations/registration.entity.js';
import { Browser, buildTestApp, signedInOrganiser, textOf } from '../support/app.js';

const { app, orm } = await buildTestApp(t);
const organiser = await signedInOrganiser(app);
const year = new Date().getUTCFullYear() + 1;
const day = `${year}-11-15`;

// The 2013 proportions of the context document, scaled to 70 people.
const PEOPLE_BY_TYPE: [string, number][] = [
  ['travailleur-social', 27],
  ['association', 18],
  ['bailleur-social', 10],
  ['collectivite', 9],
  ['fournisseur-energie', 2],
  ['autre', 4],
];

async function createEventThroughPages(fields: Record<string, string>) {
  const res = await organiser.submit('/admin/events/new', '/admin/events', fields);
  return res;
}

t.test('an organiser sets up the 2013 workshop through the pages alone, and 70 people register', async (t) => {
  const created = await createEventThroughPages({
    title: 'Atelier de la solidarité 2013',
    slug: '',
    description: 'Repérer et agir auprès des ménages en précarité énergétique.',
    venue: 'Maison Pour Tous de Monplaisir',
    address: 'Angers',
    timezone: 'Europe/Paris',
    startsAt: `${day}T09:00`,
    endsAt: `${day}T12:30`,
    capacity: '80',
    status: 'draft',
    registrationOpensAt: '',
    registrationClosesAt: '',
  });
  t.equal(created.statusCode, 303);
  const eventUrl = String(created.headers.location);
  t.match(eventUrl, /^\/admin\/events\/\d+$/);
  const id = Number(eventUrl.split('/').pop());
  const saved = await orm.em.fork().findOneOrFail(Event, { id });
  t.equal(saved.slug, 'atelier-de-la-solidarite-2013', 'the slug is made from the title');
  t.equal(saved.startsAt.toISOString(), `${day}T08:00:00.000Z`, '09:00 Paris time');

  const plenary = await organiser.submit(`${eventUrl}/sessions/new`, `${eventUrl}/sessions`, {
    kind: 'plenary',
    title: 'Comment identifier les ménages en situation de précarité énergétique ?',
    topic: 'Se poser les bonnes questions',
    facilitator: 'Alisée',
    room: 'Grande salle',
    startsAt: `${day}T09:00`,
    endsAt: `${day}T10:30`,
    capacity: '80',
  });
  t.equal(plenary.statusCode, 303);
  for (const n of [1, 2, 3, 4]) {
    const group = await organiser.submit(`${eventUrl}/sessions/new`, `${eventUrl}/sessions`, {
      kind: 'breakout',
      title: `Groupe ${n}`,
      topic: 'Comment agir de façon complémentaire sur les volets social, économique et technique ?',
      facilitator: n % 2 ? 'CCAS' : 'Alisée',
      room: `Salle ${n}`,
      startsAt: `${day}T10:45`,
      endsAt: `${day}T12:30`,
      capacity: '20',
    });
    t.equal(group.statusCode, 303, `group ${n}`);
  }
  const overview = await organiser.get(eventUrl);
  const text = textOf(overview.body);
  for (const n of [1, 2, 3, 4]) t.match(text, `Groupe ${n}`);
  t.match(text, 'Plénière');

  // Not public while a draft; publishing through the edit form.
  t.equal((await new Browser(app).get(`/e/${saved.slug}`)).statusCode, 404);
  const edit = await organiser.get(`${eventUrl}/edit`);
  t.match(edit.body, `value="${day}T09:00"`, 'times are shown in the event zone');
  const published = await organiser.submit(`${eventUrl}/edit`, `${eventUrl}/edit`, {
    title: 'Atelier de la solidarité 2013',
    slug: saved.slug,
    description: saved.description,
    venue: saved.venue,
    address: saved.address,
    timezone: 'Europe/Paris',
    startsAt: `${day}T09:00`,
    endsAt: `${day}T12:30`,
    capacity: '80',
    status: 'published',
    registrationOpensAt: '',
    registrationClosesAt: '',
  });
  t.equal(published.statusCode, 303);

  let n = 0;
  for (const [type, count] of PEOPLE_BY_TYPE) {
    for (let i = 0; i < count; i++, n++) {
      const res = await new Browser(app).submit(`/e/${saved.slug}/register`, `/e/${saved.slug}/register`, {
        firstName: `Personne${n}`,
        lastName: 'Dupont',
        email: `p${n}@reseau.fr`,
        organisation: `Structure ${n % 12}`,
        structureType: type,
        consent: 'yes',
      });
      if (res.statusCode !== 303) t.fail(`registration ${n}: ${res.statusCode}`);
    }
  }
  t.equal(await orm.em.fork().count(Registration, { event: id, status: 'confirmed' }), 70, '70 confirmed');

  const list = await organiser.get(`${eventUrl}/registrations`);
  t.match(textOf(list.body), '70 inscriptions : 70 confirmées');
  const social = await organiser.get(`${eventUrl}/registrations?structureType=travailleur-social`);
  t.match(textOf(social.body), '27 inscriptions correspondent à la recherche');
  t.match(social.body, '<option value="travailleur-social" selected>');
  const waitlisted = await organiser.get(`${eventUrl}/registrations?status=waitlisted`);
  t.match(textOf(waitlisted.body), '0 inscription correspond à la recherche');
  const bogus = await organiser.get(`${eventUrl}/registrations?status=nope&structureType=<script>`);
  t.equal(bogus.statusCode, 400, 'unknown filters are refused on the page itself');
  t.match(textOf(bogus.body), "Ce filtre ou ce tri n'existe pas");
  t.match(textOf(bogus.body), '70 inscriptions');
});

t.test('the event form shows errors beside the fields and keeps the values', async (t) => {
  const res = await createEventThroughPages({
    title: '',
    slug: 'Mauvais Slug',
    timezone: 'Mars/Olympus',
    startsAt: `${day}T12:00`,
    endsAt: `${day}T09:00`,
    capacity: '-3',
    status: 'draft',
    venue: 'Salle <b>municipale</b>',
  });
  t.equal(res.statusCode, 400);
  const text = textOf(res.body);
  t.match(text, 'Le formulaire contient');
  t.match(res.body, /id="field-title-error"/);
  t.match(res.body, /id="field-slug-error"/);
  t.match(res.body, /id="field-timezone-error"/);
  t.match(res.body, /id="field-capacity-error"/);
  t.match(res.body, 'value="Salle &lt;b&gt;municipale&lt;/b&gt;"');
  t.match(res.body, 'href="#field-title"', 'the summary links to the fields');
  const broken = await createEventThroughPages({
    title: 'Dates illisibles',
    startsAt: 'bientôt',
    endsAt: '2030-02-30T10:00',
    status: 'draft',
  });
  t.equal(broken.statusCode, 400);
  t.match(broken.body, /id="field-startsAt-error"/);
  t.match(broken.body, /id="field-endsAt-error"/);
});

t.test('sessions are edited and removed; a bad session keeps its values', async (t) => {
  const created = await createEventThroughPages({
    title: 'Groupe de travail mars',
    startsAt: `${day}T14:00`,
    endsAt: `${day}T16:00`,
    status: 'draft',
  });
  const eventUrl = String(created.headers.location);
  const bad = await organiser.submit(`${eventUrl}/sessions/new`, `${eventUrl}/sessions`, {
    kind: 'breakout',
    title: 'Atelier',
    startsAt: `${day}T15:00`,
    endsAt: `${day}T14:00`,
    room: 'Salle B',
  });
  t.equal(bad.statusCode, 400);
  t.match(bad.body, 'value="Salle B"');
  t.match(textOf(bad.body), 'La fin doit être après le début');
  await organiser.submit(`${eventUrl}/sessions/new`, `${eventUrl}/sessions`, {
    kind: 'breakout',
    title: 'Atelier',
    startsAt: `${day}T14:00`,
    endsAt: `${day}T16:00`,
    room: 'Salle B',
  });
  const event = await orm.em
    .fork()
    .findOneOrFail(Event, { id: Number(eventUrl.split('/').pop()) }, { populate: ['sessions'] });
  const session = event.sessions.getItems()[0];
  const editUrl = `${eventUrl}/sessions/${session.id}/edit`;
  const edited = await organiser.submit(editUrl, editUrl, {
    kind: 'breakout',
    title: 'Atelier logement',
    startsAt: `${day}T14:00`,
    endsAt: `${day}T16:30`,
    room: 'Salle C',
    capacity: '12',
  });
  t.equal(edited.statusCode, 303);
  t.match(textOf((await organiser.get(eventUrl)).body), 'Atelier logement');
  const removed = await organiser.submit(editUrl, `${eventUrl}/sessions/${session.id}/delete`, {});
  t.equal(removed.statusCode, 303);
  t.notMatch(textOf((await organiser.get(eventUrl)).body), 'Atelier logement');
  t.equal((await organiser.get(editUrl)).statusCode, 404);
});

t.test('years out of range, zone aliases and sessions outside the event days', async (t) => {
  for (const [field, value] of [
    ['startsAt', '0000-11-15T09:00'],
    ['endsAt', '9999-11-15T12:00'],
  ]) {
    const res = await createEventThroughPages({
      title: 'Année impossible',
      startsAt: `${day}T09:00`,
      endsAt: `${day}T12:00`,
      status: 'draft',
      [field]: value,
    });
    t.equal(res.statusCode, 400, `${field} ${value}`);
    t.match(res.body, new RegExp(`id="field-${field}-error"`));
    t.match(textOf(res.body), 'Saisissez une date entre les années 2000 et 2100');
  }
  const created = await createEventThroughPages({
    title: 'Fuseau en minuscules',
    timezone: 'europe/paris',
    startsAt: `${day}T09:00`,
    endsAt: `${day}T17:00`,
    status: 'draft',
  });
  t.equal(created.statusCode, 303);
  const eventUrl = String(created.headers.location);
  const id = Number(eventUrl.split('/').pop());
  t.equal((await orm.em.fork().findOneOrFail(Event, { id })).timezone, 'Europe/Paris', 'stored canonical');

  const before = await organiser.submit(`${eventUrl}/sessions/new`, `${eventUrl}/sessions`, {
    kind: 'plenary',
    title: 'La veille',
    startsAt: `${year}-11-14T18:00`,
    endsAt: `${year}-11-14T19:00`,
  });
  t.equal(before.statusCode, 400);
  t.match(before.body, /id="field-startsAt-error"/);
  t.match(textOf(before.body), `du ${day} au ${day}`);
  const after = await organiser.submit(`${eventUrl}/sessions/new`, `${eventUrl}/sessions`, {
    kind: 'plenary',
    title: 'Jusqu’au lendemain',
    startsAt: `${day}T16:00`,
    endsAt: `${year}-11-16T01:00`,
  });
  t.equal(after.statusCode, 400);
  t.match(after.body, /id="field-endsAt-error"/);
  const evening = await organiser.submit(`${eventUrl}/sessions/new`, `${eventUrl}/sessions`, {
    kind: 'plenary',
    title: 'Le soir même, après la fin',
    startsAt: `${day}T18:00`,
    endsAt: `${day}T23:30`,
  });
  t.equal(evening.statusCode, 303, 'the same day as the event is within it');
  const stored = await orm.em.fork().findOneOrFail(Event, { id }, { populate: ['sessions'] });
  t.same(
    stored.sessions.getItems().map((s) => s.title),
    ['Le soir même, après la fin'],
  );
});

t.test('structure types are renamed, reordered, extended and removed', async (t) => {
  const created = await createEventThroughPages({
    title: 'Types',
    startsAt: `${day}T14:00`,
    endsAt: `${day}T16:00`,
    status: 'draft',
  });
  const url = `${created.headers.location}/structure-types`;
  const page = await organiser.get(url);
  t.match(page.body, 'value="Travailleur social"', 'the French defaults');
  const fields: Record<string, string> = {};
  const defaults = [
    'travailleur-social',
    'association',
    'bailleur-social',
    'collectivite',
    'fournisseur-energie',
    'institution',
    'autre',
  ];
  defaults.forEach((key, i) => {
    fields[`key.${i}`] = key;
    fields[`label.${i}`] =
      key === 'association'
        ? 'Association de quartier'
        : (/value="([^"]*)"/.exec(page.body.split(`name="label.${i}"`)[1] ?? '')?.[1] ?? key);
    fields[`position.${i}`] = String(i + 1);
  });
  fields['label.1'] = 'Association de quartier';
  fields['position.1'] = '0';
  fields['remove.5'] = '1';
  fields['label.7'] = 'Syndic de copropriété';
  fields['key.7'] = '';
  fields['position.7'] = '8';
  const res = await organiser.submit(url, url, fields);
  t.equal(res.statusCode, 303);
  const event = await orm.em
    .fork()
    .findOneOrFail(Event, { id: Number(String(created.headers.location).split('/').pop()) });
  t.same(
    event.structureTypes.map((s) => s.key),
    [
      'association',
      'travailleur-social',
      'bailleur-social',
      'collectivite',
      'fournisseur-energie',
      'autre',
      'syndic-de-copropriete',
    ],
  );
  t.equal(event.structureTypes[0].label, 'Association de quartier', 'renamed, same key');

  const dup = await organiser.submit(url, url, {
    'key.0': 'association',
    'label.0': 'A',
    'position.0': '1',
    'key.1': '',
    'label.1': 'Association',
    'position.1': '2',
  });
  t.equal(dup.statusCode, 400);
  t.match(textOf(dup.body), 'apparaît deux fois');
  const none = await organiser.submit(url, url, { 'key.0': 'association', 'label.0': 'A', 'remove.0': '1' });
  t.equal(none.statusCode, 400);
  t.match(textOf(none.body), 'au moins un type');
});

t.test('organiser pages of an unknown event are 404', async (t) => {
  t.equal((await organiser.get('/admin/events/424242')).statusCode, 404);
  t.equal((await organiser.get('/admin/events/abc')).statusCode, 404);
});

t.test('a structure type that registrations use cannot be removed, only renamed', async (t) => {
  const event = await orm.em.fork().findOneOrFail(Event, { slug: 'atelier-de-la-solidarite-2013' });
  const url = `/admin/events/${event.id}/structure-types`;
  const fields: Record<string, string> = {};
  event.structureTypes.forEach((type, i) => {
    fields[`key.${i}`] = type.key;
    fields[`label.${i}`] = type.key === 'autre' ? 'Autre structure' : type.label;
    fields[`position.${i}`] = String(i + 1);
  });
  const refused = await organiser.submit(url, url, { ...fields, 'remove.0': '1' });
  t.equal(refused.statusCode, 400);
  t.match(textOf(refused.body), 'travailleur-social');
  t.match(textOf(refused.body), 'renommez-le');
  const renamed = await organiser.submit(url, url, fields);
  t.equal(renamed.statusCode, 303);
  const after = await orm.em.fork().findOneOrFail(Event, { id: event.id });
  t.equal(after.structureTypes.find((s) => s.key === 'autre')?.label, 'Autre structure');
});
