import t from 'tap';
import { EventMember } from '../../src/access/event-member.entity.js';
import { grantRole } from '../../src/access/access.service.js';
import { Event } from '../../src/events/event.entity.js';
import { loadDefinition, saveDefinition } from '../../src/forms/form.service.js';
import { OutboxMessage } from '../../src/mail/outbox.entity.js';
import { createApiToken, createOrganiser } from '../../src/organisers/organiser.service.js';
import { Registration } from '../../src/registrations/registration.entity.js';
import { register } from '../../src/registrations/registration.service.js';
import { utcToZonedLocal, zonedLocalToUtc } from '../../src/shared/time.js';
import { Browser, buildTestApp, signedInOrganiser, textOf } from '../support/app.js';
import { attendee, openEvent } from '../support/events.js';

const { app, orm } = await buildTestApp(t);
const organiser = await signedInOrganiser(app);
await createOrganiser(orm.em.fork(), { email: 'api@alisee.fr', password: 'mot-de-passe-api' });
const auth = { authorization: `Bearer ${await createApiToken(orm.em.fork(), 'api@alisee.fr')}` };
const viewer = await createOrganiser(orm.em.fork(), { email: 'lecture@alisee.fr', password: 'mot-de-passe-lecture' });

const year = new Date().getUTCFullYear() + 1;
const paris = (local: string) => zonedLocalToUtc(local, 'Europe/Paris') as Date;
const local = (d: Date | string | null | undefined) => (d ? utcToZonedLocal(new Date(d), 'Europe/Paris') : null);

// A winter edition (CET, UTC+1), with a morning plenary and two afternoon groups.
const em = orm.em.fork();
const source = await openEvent(em, {
  title: `Atelier de la solidarité ${year}`,
  slug: `atelier-solidarite-${year}`,
  description: 'Repérer et agir auprès des ménages en précarité énergétique.',
  timezone: 'Europe/Paris',
  startsAt: paris(`${year}-01-15T09:00`),
  endsAt: paris(`${year}-01-15T17:00`),
  registrationOpensAt: paris(`${year - 1}-11-01T08:00`),
  registrationClosesAt: paris(`${year}-01-10T23:59`),
  capacity: 40,
  series: 'atelier-solidarite',
  organiserName: 'CCAS Angers',
  replyTo: 'atelier@ccas-angers.fr',
  retentionMonths: 24,
  reminderDaysBefore: 5,
  thankYouText: 'Merci de votre venue : la synthèse suivra.',
  structureTypes: [
    { key: 'travailleur-social', label: 'Travailleur social' },
    { key: 'association', label: 'Association' },
  ],
  sessions: [
    {
      kind: 'plenary',
      title: 'Plénière',
      room: 'Grande salle',
      startsAt: paris(`${year}-01-15T09:00`),
      endsAt: paris(`${year}-01-15T10:30`),
    },
    {
      kind: 'breakout',
      title: 'Groupe 1',
      room: 'Salle 1',
      facilitator: 'Alisée',
      capacity: 20,
      startsAt: paris(`${year}-01-15T14:00`),
      endsAt: paris(`${year}-01-15T17:00`),
    },
    {
      kind: 'breakout',
      title: 'Groupe 2',
      room: 'Salle 2',
      facilitator: 'CCAS',
      capacity: 20,
      startsAt: paris(`${year}-01-15T14:00`),
      endsAt: paris(`${year}-01-15T17:00`),
    },
  ],
});
await grantRole(em, source, viewer, 'viewer');
await saveDefinition(em, source, {
  builtIns: { organisation: { label: 'Votre structure' } },
  sections: [
    {
      title: 'Repas',
      fields: [
        {
          type: 'choice',
          key: 'repas',
          label: 'Déjeunez-vous sur place ?',
          options: [
            { key: 'oui', label: 'Oui' },
            { key: 'non', label: 'Non' },
          ],
        },
        { type: 'text', key: 'regime', label: 'Régime alimentaire', condition: { field: 'repas', values: ['oui'] } },
        { type: 'group_preference', key: 'groupes', label: 'Vos groupes préférés', ranks: 2 },
      ],
    },
  ],
});
const registered = await register(em, source, { ...attendee(1, 'association'), repas: 'non' });
registered.group = source.sessions.getItems()[1];
await em.flush();

async function editionOf(id: number) {
  return orm.em.fork().findOneOrFail(Event, { id }, { populate: ['sessions'] });
}

t.test('the page makes the next edition in summer: same wall-clock times, everything but the people', async (t) => {
  const overview = await organiser.get(`/admin/events/${source.id}`);
  t.match(overview.body, `href="/admin/events/${source.id}/duplicate"`, 'the event page leads to the form');
  const form = await organiser.get(`/admin/events/${source.id}/duplicate`);
  t.equal(form.statusCode, 200);
  t.match(form.body, `value="${year + 1}-01-15T09:00"`, 'a year later is offered');
  t.match(form.body, `value="Atelier de la solidarité ${year + 1}"`);
  t.match(textOf(form.body), 'Ne sont pas repris : les inscriptions');

  const created = await organiser.submit(
    `/admin/events/${source.id}/duplicate`,
    `/admin/events/${source.id}/duplicate`,
    {
      startsAt: `${year}-07-02T09:30`,
      title: '',
      slug: '',
    },
  );
  t.equal(created.statusCode, 303);
  const id = Number(String(created.headers.location).split('/').pop());
  t.not(id, source.id);
  const page = await organiser.get(String(created.headers.location));
  t.match(textOf(page.body), 'La nouvelle édition est créée, en brouillon');

  const edition = await editionOf(id);
  t.equal(edition.status, 'draft');
  t.equal(edition.slug, `atelier-solidarite-${year}-2`, 'the year is already the same: a free slug');
  t.equal(edition.title, `Atelier de la solidarité ${year}`);
  t.equal(local(edition.startsAt), `${year}-07-02T09:30`);
  t.equal(local(edition.endsAt), `${year}-07-02T17:30`);
  // Wall-clock arithmetic done by hand: the local times read as UTC, moved by the same amount.
  const wall = (text: string) => Date.parse(`${text}:00Z`);
  const moved = (text: string) =>
    new Date(wall(text) + wall(`${year}-07-02T09:30`) - wall(`${year}-01-15T09:00`)).toISOString().slice(0, 16);
  t.equal(local(edition.registrationOpensAt), moved(`${year - 1}-11-01T08:00`), 'the registration window moves too');
  t.equal(local(edition.registrationClosesAt), moved(`${year}-01-10T23:59`));
  t.same(
    edition.sessions.getItems().map((s) => [s.kind, s.title, s.room, s.facilitator, s.capacity, local(s.startsAt)]),
    [
      ['plenary', 'Plénière', 'Grande salle', '', null, `${year}-07-02T09:30`],
      ['breakout', 'Groupe 1', 'Salle 1', 'Alisée', 20, `${year}-07-02T14:30`],
      ['breakout', 'Groupe 2', 'Salle 2', 'CCAS', 20, `${year}-07-02T14:30`],
    ],
    'the programme keeps its wall-clock times across the change to summer time',
  );
  t.equal(edition.sessions.getItems()[0].startsAt.toISOString(), `${year}-07-02T07:30:00.000Z`, 'UTC+2 in July');
  for (const key of ['description', 'venue', 'address', 'timezone', 'capacity', 'series', 'organiserName', 'replyTo'])
    t.equal(
      (edition as unknown as Record<string, unknown>)[key],
      (source as unknown as Record<string, unknown>)[key],
      key,
    );
  t.equal(edition.retentionMonths, 24);
  t.equal(edition.reminderDaysBefore, 5, 'the reminder setting comes along');
  t.equal(edition.thankYouText, source.thankYouText, 'and the thank-you text');
  t.same(edition.structureTypes, source.structureTypes);
  t.equal(edition.confirmedCount, 0);
  t.equal(edition.sequence, 0);

  const check = orm.em.fork();
  const copied = await loadDefinition(check, id);
  t.same(copied, await loadDefinition(check, source.id), 'sections, questions, conditions and labels');
  t.same(
    (await check.find(EventMember, { event: id }, { orderBy: { id: 'asc' } })).map((m) => [m.organiser.id, m.role]),
    (await check.find(EventMember, { event: source.id }, { orderBy: { id: 'asc' } })).map((m) => [
      m.organiser.id,
      m.role,
    ]),
    'the same team, with the same roles',
  );
  t.equal(await check.count(Registration, { event: id }), 0, 'no registration');
  t.equal(await check.count(OutboxMessage, { event: id }), 0, 'no email');
  t.equal(await check.count(Registration, { event: source.id }), 1, 'the old edition keeps its own');

  // The copied form works with the new programme's groups.
  const publicForm = await organiser.get(`/admin/events/${id}/form`);
  t.equal(publicForm.statusCode, 200);
});

t.test('the API makes an edition: 201 with the event, slug and title with the new year', async (t) => {
  const res = await app.inject({
    method: 'POST',
    url: `/api/v1/events/${source.id}/duplicate`,
    headers: auth,
    payload: { startsAt: `${year + 1}-01-14T09:00:00+01:00` },
  });
  t.equal(res.statusCode, 201, res.body);
  const body = res.json();
  t.equal(body.slug, `atelier-solidarite-${year + 1}`);
  t.equal(body.title, `Atelier de la solidarité ${year + 1}`);
  t.equal(body.status, 'draft');
  t.equal(body.series, 'atelier-solidarite');
  t.equal(body.publicUrl, `http://atelier.test/e/atelier-solidarite-${year + 1}`);
  t.same(
    body.sessions.map((s: { startsAt: string; endsAt: string }) => [local(s.startsAt), local(s.endsAt)]),
    [
      [`${year + 1}-01-14T09:00`, `${year + 1}-01-14T10:30`],
      [`${year + 1}-01-14T14:00`, `${year + 1}-01-14T17:00`],
      [`${year + 1}-01-14T14:00`, `${year + 1}-01-14T17:00`],
    ],
  );

  const chosen = await app.inject({
    method: 'POST',
    url: `/api/v1/events/${source.id}/duplicate`,
    headers: auth,
    payload: { startsAt: `${year + 2}-01-13T09:00:00+01:00`, slug: 'atelier-2029', title: 'Atelier, édition spéciale' },
  });
  t.equal(chosen.statusCode, 201);
  t.match(chosen.json(), { slug: 'atelier-2029', title: 'Atelier, édition spéciale' });
});

t.test('refusals: a taken slug, a bad date, a viewer, an unknown event', async (t) => {
  const post = (payload: object, headers = auth, id = source.id) =>
    app.inject({ method: 'POST', url: `/api/v1/events/${id}/duplicate`, headers, payload });
  const taken = await post({ startsAt: `${year + 3}-01-12T09:00:00+01:00`, slug: source.slug });
  t.equal(taken.statusCode, 409);
  t.match(taken.json(), { error: 'slug_taken', details: [{ field: 'slug' }] });
  t.equal((await post({ startsAt: 'demain' })).statusCode, 400);
  t.equal((await post({})).statusCode, 400, 'the date is required');
  t.equal((await post({ startsAt: '2150-01-01T09:00:00Z' })).statusCode, 400, 'out of the years an event may have');
  t.equal((await post({ startsAt: `${year}-07-02T09:00:00Z`, status: 'published' })).statusCode, 400);
  t.equal((await post({ startsAt: `${year}-07-02T09:00:00Z` }, auth, 999999)).statusCode, 404);

  const viewerToken = await createApiToken(orm.em.fork(), 'lecture@alisee.fr');
  const asViewer = await post({ startsAt: `${year}-07-02T09:00:00Z` }, { authorization: `Bearer ${viewerToken}` });
  t.equal(asViewer.statusCode, 403, 'a viewer of the event may not copy it');

  const page = await organiser.submit(`/admin/events/${source.id}/duplicate`, `/admin/events/${source.id}/duplicate`, {
    startsAt: '',
    title: '',
    slug: 'Pas Un Slug',
  });
  t.equal(page.statusCode, 400);
  t.match(textOf(page.body), 'Début');
  const badSlug = await organiser.submit(
    `/admin/events/${source.id}/duplicate`,
    `/admin/events/${source.id}/duplicate`,
    {
      startsAt: `${year}-09-10T09:00`,
      slug: 'Pas Un Slug',
    },
  );
  t.equal(badSlug.statusCode, 400, 'the page re-shows the form with the reason');
  t.match(badSlug.body, 'aria-invalid="true"');
  const anonymous = await new Browser(app).get(`/admin/events/${source.id}/duplicate`);
  t.equal(anonymous.statusCode, 303, 'signed-out visitors are sent to sign in');
});

t.test('the OpenAPI document describes the route', async (t) => {
  const doc = (await app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json();
  const route = doc.paths['/api/v1/events/{id}/duplicate'].post;
  t.ok(route.requestBody.content['application/json'].schema.properties.startsAt);
  t.ok(route.responses['201']);
});
