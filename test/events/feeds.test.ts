import t from 'tap';
import { Browser as Page, PUBLIC_URL, buildTestApp } from '../support/app.js';
import { launchChromium } from '../support/chromium.js';
import { openEvent } from '../support/events.js';
import { parseCalendar } from '../support/ical.js';

const { app, orm } = await buildTestApp(t);
const em = () => orm.em.fork();
const DAY = 24 * 3600 * 1000;

const upcoming = await openEvent(em(), { title: 'Rencontre <réseau> & "partenaires"', series: 'rencontres' });
const other = await openEvent(em(), { title: 'Autre série', series: 'autre' });
const draft = await openEvent(em(), { title: 'Brouillon', status: 'draft' });
const past = await openEvent(em(), {
  title: 'Passé',
  startsAt: new Date(Date.now() - 3 * DAY),
  endsAt: new Date(Date.now() - 2 * DAY),
  registrationClosesAt: new Date(Date.now() - 4 * DAY),
  sessions: [],
});

t.test('/agenda.ics: the published upcoming events, their plenary sessions only', async (t) => {
  const res = await new Page(app).get('/agenda.ics');
  t.equal(res.statusCode, 200);
  t.match(res.headers['content-type'], /^text\/calendar/);
  const calendar = parseCalendar(res.body);
  const summaries = calendar.events.map((e) => e.summary);
  t.ok(summaries.includes(`${upcoming.title} — Plénière`));
  t.ok(summaries.includes(`${other.title} — Plénière`));
  t.notOk(
    summaries.some((s) => s.includes('Groupe')),
    'no breakout group',
  );
  t.notOk(
    summaries.some((s) => s.startsWith(draft.title) || s.startsWith(past.title)),
    'no draft, nothing past',
  );
  const plenary = calendar.events.find((e) => e.summary === `${upcoming.title} — Plénière`)!;
  t.equal(plenary.start.getTime(), upcoming.startsAt.getTime());
  t.match(calendar.timezones, ['Europe/Paris']);
});

t.test('the home page links to the agenda for calendar subscription', async (t) => {
  const res = await new Page(app).get('/');
  t.match(res.body, `href="${PUBLIC_URL.replace('http://', 'webcal://')}/agenda.ics"`);
  t.match(res.body, 'href="/agenda.atom"');
});

t.test('/agenda.atom is well-formed Atom with the escaped titles', async (t) => {
  const res = await new Page(app).get('/agenda.atom');
  t.equal(res.statusCode, 200);
  t.match(res.headers['content-type'], /^application\/atom\+xml/);
  const browser = await launchChromium();
  t.teardown(() => browser.close());
  const page = await browser.newPage();
  const parsed = await page.evaluate((xml) => {
    const doc = new DOMParser().parseFromString(xml, 'application/xml');
    const ns = 'http://www.w3.org/2005/Atom';
    return {
      error: doc.getElementsByTagName('parsererror').length,
      root: doc.documentElement.namespaceURI,
      titles: [...doc.getElementsByTagNameNS(ns, 'entry')].map(
        (e) => e.getElementsByTagNameNS(ns, 'title')[0].textContent,
      ),
      links: [...doc.getElementsByTagNameNS(ns, 'entry')].map((e) =>
        e.getElementsByTagNameNS(ns, 'link')[0].getAttribute('href'),
      ),
    };
  }, res.body);
  t.equal(parsed.error, 0, 'no parse error');
  t.equal(parsed.root, 'http://www.w3.org/2005/Atom');
  t.ok(parsed.titles.includes(upcoming.title), 'the title comes back as written');
  t.notOk(parsed.titles.includes(draft.title));
  t.ok(parsed.links.includes(`${PUBLIC_URL}/e/${upcoming.slug}`));
});

t.test('/api/v1/public/events: no token, any origin, public fields, filtered', async (t) => {
  const res = await app.inject({ method: 'GET', url: '/api/v1/public/events?series=rencontres' });
  t.equal(res.statusCode, 200);
  t.equal(res.headers['access-control-allow-origin'], '*');
  const { items } = res.json();
  t.same(
    items.map((e: { slug: string }) => e.slug),
    [upcoming.slug],
  );
  t.equal(items[0].seatsLeft, 10);
  t.same(
    items[0].programme.map((s: { title: string }) => s.title),
    ['Plénière'],
  );
  for (const key of ['id', 'capacity', 'confirmedCount', 'replyTo', 'status', 'retentionMonths'])
    t.notOk(key in items[0], `no ${key}`);

  const all = (await app.inject({ method: 'GET', url: '/api/v1/public/events?limit=1' })).json();
  t.equal(all.items.length, 1);
  for (const bad of ['limit=0', 'limit=abc', 'limit=101', `series=${'x'.repeat(81)}`]) {
    const refused = await app.inject({ method: 'GET', url: `/api/v1/public/events?${bad}` });
    t.equal(refused.statusCode, 400, bad);
  }
});

t.test('the public list is in the OpenAPI document', async (t) => {
  const doc = (await app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json();
  t.ok(doc.paths['/api/v1/public/events']?.get, 'documented');
});

t.test('the feeds are public routes', async (t) => {
  for (const url of ['/agenda.ics', '/agenda.atom', '/api/v1/public/events'])
    t.same(
      app.routeTable.find((route) => route.method === 'GET' && route.url === url)?.policy,
      { access: 'public' },
      url,
    );
});
