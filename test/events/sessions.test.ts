import t from 'tap';
import { adoptOwnerlessEvents } from '../../src/access/access.service.js';
import { Event } from '../../src/events/event.entity.js';
import { createEvent } from '../../src/events/event.service.js';
import { Organiser } from '../../src/organisers/organiser.entity.js';
import { createApiToken, createOrganiser } from '../../src/organisers/organiser.service.js';
import { zonedLocalToUtc } from '../../src/shared/time.js';
import { buildTestApp, signedInOrganiser, textOf } from '../support/app.js';

const { app, orm } = await buildTestApp(t);
const organiser = await signedInOrganiser(app);
await createOrganiser(orm.em.fork(), { email: 'api@alisee.fr', password: 'mot-de-passe-api' });
const auth = { authorization: `Bearer ${await createApiToken(orm.em.fork(), 'api@alisee.fr')}` };

const year = new Date().getUTCFullYear() + 1;
const day = `${year}-11-15`;
const em = orm.em.fork();
const event = await createEvent(em, {
  title: 'Atelier',
  slug: 'atelier-seances',
  timezone: 'Europe/Paris',
  startsAt: zonedLocalToUtc(`${day}T09:00`, 'Europe/Paris') as Date,
  endsAt: zonedLocalToUtc(`${day}T16:30`, 'Europe/Paris') as Date,
});
await adoptOwnerlessEvents(
  em,
  (await em.find(Organiser, {})).map((o) => o.id),
);
const base = `/admin/events/${event.id}`;

const inputValue = (html: string, name: string) =>
  new RegExp(`name="${name}" type="[^"]+" value="([^"]*)"`).exec(html)?.[1];
const selected = (html: string, name: string) =>
  new RegExp(`<select id="field-${name}" name="${name}"[^>]*>[\\s\\S]*?<option value="([^"]+)" selected`).exec(
    html,
  )?.[1];

t.test(
  "the first session's form is prefilled with the event's day and hours, and says which days are allowed",
  async (t) => {
    const page = await organiser.get(`${base}/sessions/new`);
    t.equal(page.statusCode, 200);
    t.equal(inputValue(page.body, 'startsAt'), `${day}T09:00`);
    t.equal(inputValue(page.body, 'endsAt'), `${day}T16:30`);
    t.equal(selected(page.body, 'kind'), 'plenary');
    t.match(textOf(page.body), /Une séance doit avoir lieu le jour de l'événement, le \S+ 15 novembre/);
  },
);

t.test('a session outside the event is refused with the reason, on the page and through the API', async (t) => {
  const page = await organiser.submit(`${base}/sessions/new`, `${base}/sessions`, {
    kind: 'plenary',
    title: 'Plénière',
    startsAt: `${year}-11-16T09:00`,
    endsAt: `${year}-11-16T10:00`,
  });
  t.equal(page.statusCode, 400);
  t.match(textOf(page.body), `Une session doit avoir lieu pendant les jours de l'événement, du ${day} au ${day}`);
  t.match(page.body, 'aria-invalid="true"');
  t.equal((await orm.em.fork().findOneOrFail(Event, event.id, { populate: ['sessions'] })).sessions.length, 0);

  const api = await app.inject({
    method: 'PATCH',
    url: `/api/v1/events/${event.id}`,
    headers: auth,
    payload: {
      sessions: [
        {
          kind: 'plenary',
          title: 'Plénière',
          startsAt: `${year}-11-14T09:00:00+01:00`,
          endsAt: `${year}-11-15T10:00:00+01:00`,
        },
      ],
    },
  });
  t.equal(api.statusCode, 400);
  t.match(api.json(), {
    error: 'validation_failed',
    details: [{ field: 'sessions.0.startsAt', code: 'session_outside_event', message: /du \d{4}-11-15 au/ }],
  });
});

t.test('the next session takes the last one\'s times, and "Dupliquer cette séance" copies one', async (t) => {
  const plenary = await organiser.submit(`${base}/sessions/new`, `${base}/sessions`, {
    kind: 'breakout',
    title: 'Groupe 1',
    facilitator: 'Alisée',
    room: 'Salle 1',
    topic: 'Volets social et technique',
    startsAt: `${day}T10:45`,
    endsAt: `${day}T12:30`,
    capacity: '20',
  });
  t.equal(plenary.statusCode, 303);
  const next = await organiser.get(`${base}/sessions/new`);
  t.equal(inputValue(next.body, 'startsAt'), `${day}T10:45`);
  t.equal(inputValue(next.body, 'endsAt'), `${day}T12:30`);
  t.equal(inputValue(next.body, 'title'), '', 'a new title to type');
  t.equal(selected(next.body, 'kind'), 'breakout');

  const saved = await orm.em.fork().findOneOrFail(Event, event.id, { populate: ['sessions'] });
  const first = saved.sessions.getItems()[0];
  const overview = await organiser.get(base);
  t.match(overview.body, `href="${base}/sessions/new?from=${first.id}"`, 'a duplicate link beside each session');
  const edit = await organiser.get(`${base}/sessions/${first.id}/edit`);
  t.match(edit.body, `href="${base}/sessions/new?from=${first.id}"`);

  const copy = await organiser.get(`${base}/sessions/new?from=${first.id}`);
  t.equal(copy.statusCode, 200);
  for (const [name, value] of Object.entries({
    title: 'Groupe 1',
    facilitator: 'Alisée',
    room: 'Salle 1',
    capacity: '20',
  }))
    t.equal(inputValue(copy.body, name), value, name);
  t.match(copy.body, 'Volets social et technique');
  t.match(copy.body, `action="${base}/sessions"`, 'saving adds a session, the original stays');

  const added = await organiser.submit(`${base}/sessions/new?from=${first.id}`, `${base}/sessions`, {
    kind: 'breakout',
    title: 'Groupe 2',
    facilitator: 'Alisée',
    room: 'Salle 2',
    startsAt: `${day}T10:45`,
    endsAt: `${day}T12:30`,
    capacity: '20',
  });
  t.equal(added.statusCode, 303);
  const after = await orm.em.fork().findOneOrFail(Event, event.id, { populate: ['sessions'] });
  t.same(
    after.sessions.getItems().map((s) => [s.title, s.room]),
    [
      ['Groupe 1', 'Salle 1'],
      ['Groupe 2', 'Salle 2'],
    ],
  );
  t.equal((await organiser.get(`${base}/sessions/new?from=999999`)).statusCode, 404, 'a session of no event');
  t.equal((await organiser.get(`${base}/sessions/new?from=abc`)).statusCode, 400);
});
