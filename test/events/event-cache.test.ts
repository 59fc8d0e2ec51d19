import t from 'tap';
import { Event } from '../../src/events/event.entity.js';
import { FreshCache } from '../../src/registrations/event-cache.js';
import { updateSession } from '../../src/events/event.service.js';
import { saveDefinition } from '../../src/forms/form.service.js';
import { walkIn } from '../../src/registrations/check-in.service.js';
import { Registration } from '../../src/registrations/registration.entity.js';
import { cancel, register } from '../../src/registrations/registration.service.js';
import { Browser, buildTestApp, csrfFrom, formEncode, formNonceFrom, textOf } from '../support/app.js';
import { attendee, openEvent } from '../support/events.js';

// Kept for a minute, so that "served from memory" does not depend on how busy the machine is. No
// scheduled jobs: the hourly job's bookkeeping (its job_run row, finished in the background after
// start-up) once fell among the statements counted below, on PostgreSQL in CI.
const { app, orm } = await buildTestApp(t, { PUBLIC_CACHE_SECONDS: '60', SCHEDULED_JOBS: 'false' });
const em = () => orm.em.fork();

/** The SQL statements the service runs while `run` runs. */
async function statementsDuring(run: () => Promise<unknown>): Promise<string[]> {
  const seen: string[] = [];
  const knex = (
    orm.em.getConnection() as unknown as {
      getKnex(): {
        on(e: 'query', fn: (q: { sql: string }) => void): void;
        off(e: 'query', fn: (q: { sql: string }) => void): void;
      };
    }
  ).getKnex();
  const listen = (q: { sql: string }) => seen.push(q.sql);
  knex.on('query', listen);
  try {
    await run();
  } finally {
    knex.off('query', listen);
  }
  return seen;
}

/** Changes the event through the ORM, the way the services do. */
async function change(id: number, edit: (event: Event) => void): Promise<void> {
  const fork = em();
  edit(await fork.findOneOrFail(Event, { id }));
  await fork.flush();
}

const withoutVisitorValues = (html: string) =>
  html.replace(/name="_csrf" value="[^"]+"/, '').replace(/name="_form" value="[^"]+"/, '');

t.test(
  'the registration page is rendered once: later visitors cost no query and get their own CSRF token and form nonce',
  async (t) => {
    const event = await openEvent(em());
    const first = await new Browser(app).get(`/e/${event.slug}/register`);
    t.equal(first.statusCode, 200);
    let second = first;
    const statements = await statementsDuring(async () => {
      second = await new Browser(app).get(`/e/${event.slug}/register`);
    });
    t.same(statements, [], 'served from memory');
    t.equal(second.statusCode, 200);
    t.not(csrfFrom(second.body), csrfFrom(first.body), 'a CSRF token of its own');
    t.not(formNonceFrom(second.body), formNonceFrom(first.body), 'a form nonce of its own');
    t.equal(withoutVisitorValues(second.body), withoutVisitorValues(first.body), 'otherwise the same page');
    t.equal(second.headers['cache-control'], 'no-store');
    t.match(String(second.headers['set-cookie']), /session=/, 'the session holding the CSRF secret is set');
  },
);

t.test('a form from the cached page registers; a post without its CSRF token is refused', async (t) => {
  const event = await openEvent(em());
  await new Browser(app).get(`/e/${event.slug}/register`);
  const browser = new Browser(app);
  const page = await browser.get(`/e/${event.slug}/register`);
  const forged = await app.inject({
    method: 'POST',
    url: `/e/${event.slug}/register`,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: formEncode({ _form: formNonceFrom(page.body)!, ...attendee(1) }),
  });
  t.equal(forged.statusCode, 403, 'no session, no token: refused');
  const res = await browser.post(`/e/${event.slug}/register`, {
    _csrf: csrfFrom(page.body),
    _form: formNonceFrom(page.body)!,
    ...attendee(2),
  });
  t.equal(res.statusCode, 303);
  t.same(
    (await em().find(Registration, { event: event.id })).map((r) => r.email),
    ['personne2@exemple.fr'],
  );
});

t.test('a change made through this instance shows on the next page at once', async (t) => {
  const event = await openEvent(em(), { capacity: 2 });
  const page = () => new Browser(app).get(`/e/${event.slug}/register`).then((r) => textOf(r.body));
  t.match(await page(), 'Places restantes : 2');

  await change(event.id, (e) => {
    e.title = 'Titre changé';
  });
  t.match(await page(), 'Titre changé', 'the event');

  await saveDefinition(em(), await em().findOneOrFail(Event, { id: event.id }, { populate: ['sessions'] }), {
    sections: [
      { title: 'Repas', fields: [{ type: 'yesno', key: 'dejeuner', label: 'Déjeuner sur place ?', required: true }] },
    ],
  });
  t.match(await page(), 'Déjeuner sur place ?', 'the form');

  const browser = new Browser(app);
  const res = await browser.submit(`/e/${event.slug}/register`, `/e/${event.slug}/register`, {
    ...attendee(1),
    dejeuner: 'yes',
  });
  t.equal(res.statusCode, 303, 'the new required question is checked');
  t.match(await page(), 'Places restantes : 1', 'the seats left');
  await new Browser(app).submit(`/e/${event.slug}/register`, `/e/${event.slug}/register`, {
    ...attendee(2),
    dejeuner: 'no',
  });
  t.match(await page(), "liste d'attente", 'full');

  await change(event.id, (e) => {
    e.status = 'draft';
  });
  t.equal((await new Browser(app).get(`/e/${event.slug}/register`)).statusCode, 404, 'no longer public');
});

t.test('a session edited, a seat freed by a cancellation and one taken by a walk-in show at once', async (t) => {
  const event = await openEvent(em(), { capacity: 1 });
  const page = () => new Browser(app).get(`/e/${event.slug}/register`).then((r) => textOf(r.body));
  t.match(await page(), 'Places restantes : 1');
  const people = em();
  const first = await register(people, event, attendee(1));
  t.match(await page(), "liste d'attente", 'the seat the registration took');

  await cancel(people, first);
  t.match(await page(), 'Places restantes : 1', 'the seat the cancellation freed');

  await walkIn(em(), event, { ...attendee(2), consent: 'yes' });
  t.match(await page(), "liste d'attente", 'the seat the walk-in took');

  // The breakout groups show on the page as the choices of a group preference question.
  const fork = em();
  const loaded = await fork.findOneOrFail(Event, { id: event.id }, { populate: ['sessions'] });
  await saveDefinition(fork, loaded, {
    sections: [
      { title: 'Groupes', fields: [{ type: 'group_preference', key: 'groupes', label: 'Vos groupes', ranks: 2 }] },
    ],
  });
  t.match(await page(), 'Groupe 1');
  const session = loaded.sessions.getItems().find((s) => s.title === 'Groupe 1')!;
  await updateSession(fork, loaded, session, {
    kind: session.kind,
    title: 'Groupe renommé',
    startsAt: session.startsAt,
    endsAt: session.endsAt,
    capacity: session.capacity,
  });
  t.match(await page(), 'Groupe renommé', 'the session');
});

t.test(
  'the cache keeps a value for its time to live, loads it once for simultaneous callers, and forgets failures',
  async (t) => {
    const cache = new FreshCache(1000);
    let loads = 0;
    const load = async () => ++loads;
    const [a, b] = await Promise.all([cache.get('k', load, 0), cache.get('k', load, 0)]);
    t.same([a, b, loads], [1, 1, 1], 'one load for two callers');
    t.equal(await cache.get('k', load, 999), 1, 'kept within the time to live');
    t.equal(await cache.get('k', load, 1000), 2, 'loaded again after it (what another instance changed shows by then)');
    cache.clear();
    t.equal(await cache.get('k', load, 1001), 3, 'loaded again after a write');
    await t.rejects(
      cache.get(
        'bad',
        async () => {
          throw new Error('unknown');
        },
        2000,
      ),
    );
    t.equal(await cache.get('bad', async () => 'found', 2001), 'found', 'a failure is not remembered');
  },
);
