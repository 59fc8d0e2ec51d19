import t from 'tap';
import { grantRole } from '../../src/access/access.service.js';
import { Event } from '../../src/events/event.entity.js';
import { OutboxMessage } from '../../src/mail/outbox.entity.js';
import { Organiser } from '../../src/organisers/organiser.entity.js';
import { createApiToken, createOrganiser } from '../../src/organisers/organiser.service.js';
import { Registration } from '../../src/registrations/registration.entity.js';
import { Browser, buildTestApp, signedInOrganiser } from '../support/app.js';
import { attendee, openEvent } from '../support/events.js';

// A viewer reads the event but may not change registrations: with an attendee's private link
// (/r/:token) they could change or cancel it. No page, export or API answer a viewer gets may hold
// one, and no page may offer them a form they cannot use.
const { app, orm } = await buildTestApp(t);
const em = () => orm.em.fork();
const owner = await signedInOrganiser(app);
const event = await openEvent(em(), { title: 'Atelier de la solidarité', capacity: 30 });
for (let n = 1; n <= 3; n++) {
  const page = `/e/${event.slug}/register`;
  await new Browser(app).submit(page, page, attendee(n));
}
// Groups assigned and published, a person checked in, a failed email: every page has its forms.
await owner.submit(`/admin/events/${event.id}/groups`, `/admin/events/${event.id}/groups/auto`, {});
await owner.submit(`/admin/events/${event.id}/groups`, `/admin/events/${event.id}/groups/publish`, {});
const registrations = await em().find(Registration, { event: event.id }, { orderBy: { id: 'asc' } });
await owner.submit(`/admin/events/${event.id}/check-in`, `/admin/events/${event.id}/check-in/${registrations[0].id}`, {
  present: '1',
});
await em().nativeUpdate(OutboxMessage, { registration: registrations[1].id }, { status: 'failed' });

const viewerAccount = await createOrganiser(em(), {
  email: 'lecteur@ccas-angers.fr',
  name: 'Lecteur',
  password: 'mot-de-passe-lecteur',
});
await grantRole(em(), await em().findOneOrFail(Event, event.id), viewerAccount, 'viewer');
const viewer = new Browser(app);
await viewer.submit('/admin/login', '/admin/login', { email: viewerAccount.email, password: 'mot-de-passe-lecteur' });
const apiToken = await createApiToken(em(), viewerAccount.email);

const tokens = registrations.map((r) => r.token);
const messages = await em().find(OutboxMessage, { event: event.id });
const groupIds = (await em().findOneOrFail(Event, event.id, { populate: ['sessions'] })).sessions
  .getItems()
  .filter((s) => s.kind === 'breakout')
  .map((s) => s.id);

/** Every concrete address of a GET route pattern about this event, its rows filled in. */
function addresses(pattern: string): string[] {
  let urls = [pattern.replace(':id', String(event.id))];
  const fill = (param: string, values: number[]) => {
    urls = urls.flatMap((u) => (u.includes(param) ? values.map((v) => u.replace(param, String(v))) : [u]));
  };
  fill(':registrationId', pattern.startsWith('/api/') ? [] : registrations.map((r) => r.id));
  fill(
    ':messageId',
    messages.map((m) => m.id),
  );
  fill(':groupId', groupIds);
  // The export of the ticked rows needs some ticked: all of them.
  if (pattern.endsWith('/selection.csv'))
    urls = urls.map((u) => `${u}?${registrations.map((r) => `ids=${r.id}`).join('&')}`);
  return urls.filter((u) => !u.includes(':'));
}

function leaks(body: string): string[] {
  return tokens.filter((token) => body.includes(token)).concat(/manageUrl/.test(body) ? ['manageUrl'] : []);
}

/** Every organiser link on the pages a viewer opens, followed once: none may answer 403. */
async function linksLeadingToRefusal(routes: { url: string }[]) {
  const seen = new Set<string>();
  const refused: string[] = [];
  for (const route of routes)
    for (const url of addresses(route.url)) {
      const page = await viewer.get(url);
      if (page.statusCode !== 200) continue;
      for (const [, href] of page.body.matchAll(/href="(\/admin\/[^"#?]*)/g)) {
        if (seen.has(href)) continue;
        seen.add(href);
        if ((await viewer.get(href)).statusCode === 403) refused.push(`${url} → ${href}`);
      }
    }
  return { checked: seen.size, refused };
}

t.test('no page or export a viewer can open holds a private link or a form they cannot use', async (t) => {
  const routes = app.routeTable.filter(
    (r) => r.method === 'GET' && (r.url.startsWith('/admin/events/:id') || r.url.startsWith('/admin/emails')),
  );
  t.ok(messages.length > 0, 'emails were queued');
  t.ok(
    messages.some((m) => tokens.some((token) => m.text.includes(token))),
    'the emails themselves carry private links',
  );
  let opened = 0;
  for (const route of routes)
    for (const url of addresses(route.url)) {
      const res = await viewer.get(url);
      if (res.statusCode === 403) continue;
      t.equal(res.statusCode, 200, `${url} opens`);
      opened++;
      const body = res.rawPayload.toString('latin1');
      t.same(leaks(res.body).concat(leaks(body)), [], `${url}: no private link`);
      const actions = [...res.body.matchAll(/<form method="post" action="([^"]+)"/g)].map((m) => m[1]);
      t.same(
        actions.filter((a) => a !== '/admin/logout'),
        [],
        `${url}: no form to change anything`,
      );
    }
  t.ok(opened >= 15, `${opened} pages and exports checked`);
  const followed = await linksLeadingToRefusal(routes);
  t.same(followed.refused, [], `none of the ${followed.checked} links on those pages leads a viewer to a refusal`);
  const all = await viewer.get('/admin/emails');
  t.same(leaks(all.body), [], 'the list of all emails');
  t.notMatch(all.body, 'method="post" action="/admin/emails/', 'no resend button');
});

t.test("the API answers a viewer's token without private links", async (t) => {
  const auth = { authorization: `Bearer ${apiToken}` };
  const list = await app.inject({ method: 'GET', url: `/api/v1/events/${event.id}/registrations`, headers: auth });
  t.equal(list.statusCode, 200);
  t.equal(list.json().items.length, 3);
  t.same(leaks(list.body), [], 'no manageUrl, no token');
  // The OpenAPI description names the field; it holds no one's link.
  const routes = app.routeTable.filter(
    (r) => r.method === 'GET' && r.url.startsWith('/api/v1/') && r.url !== '/api/v1/openapi.json',
  );
  for (const route of routes) {
    const urls = route.url.startsWith('/api/v1/registrations/:id')
      ? registrations.map((r) => route.url.replace(':id', String(r.id)))
      : addresses(route.url);
    for (const url of urls) {
      const res = await app.inject({ method: 'GET', url, headers: auth });
      if (res.statusCode >= 400) continue;
      t.same(leaks(res.body), [], `${url}: no private link`);
    }
  }
  // The owner's token still gets them: they may change registrations.
  const ownerToken = await createApiToken(
    em(),
    (await em().findOneOrFail(Organiser, { id: { $ne: viewerAccount.id } })).email,
  );
  const full = await app.inject({
    method: 'GET',
    url: `/api/v1/events/${event.id}/registrations`,
    headers: { authorization: `Bearer ${ownerToken}` },
  });
  t.ok(
    full.json().items.every((r: { manageUrl?: string }) => r.manageUrl?.includes('/r/')),
    'an owner gets the links',
  );
});

t.test('the owner still sees the links and the forms', async (t) => {
  const message = messages.find((m) => tokens.some((token) => m.text.includes(token)))!;
  const page = await owner.get(`/admin/emails/${message.id}`);
  t.ok(
    tokens.some((token) => page.body.includes(token)),
    'the email as sent',
  );
  t.match((await owner.get(`/admin/events/${event.id}/groups`)).body, 'groups/publish');
});
