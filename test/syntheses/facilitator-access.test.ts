import t from 'tap';
import { breakouts } from '../../src/events/event-rules.js';
import { Registration } from '../../src/registrations/registration.entity.js';
import { register } from '../../src/registrations/registration.service.js';
import { issueFacilitatorLink } from '../../src/syntheses/syntheses.service.js';
import { Browser, buildTestApp, csrfFrom, signedInOrganiser } from '../support/app.js';
import { attendee, openEvent } from '../support/events.js';

// One event, two groups, one person in each; the facilitator of group 1 holds their link and tries it everywhere.
const { app, orm } = await buildTestApp(t);
const em = () => orm.em.fork();
await signedInOrganiser(app);
const event = await openEvent(em());
const [group1, group2] = breakouts(event);
const mine = await register(em(), event, { ...attendee(1), lastName: 'Membre-du-groupe-un' });
const other = await register(em(), event, { ...attendee(2), lastName: 'Membre-du-groupe-deux' });
await em().nativeUpdate(Registration, { id: mine.id }, { group: group1.id });
await em().nativeUpdate(Registration, { id: other.id }, { group: group2.id });
const token = await issueFacilitatorLink(em(), event, group1.id);

/** Every parameter filled with something of the event, pointing at the OTHER group and its member. */
const params: Record<string, string | number> = {
  token,
  id: event.id,
  slug: event.slug,
  groupId: group2.id,
  sessionId: group2.id,
  registrationId: other.id,
  messageId: 1,
  memberId: 1,
  tokenId: 1,
  materialId: 1,
  key: 'firstName',
  sectionId: 's1',
  series: 'serie',
};
const fill = (url: string) => url.replace(/:(\w+)/g, (_m, name: string) => String(params[name] ?? name));
const routes = app.routeTable.filter((route) => !route.url.startsWith('/static/') && !route.url.includes('*'));

/** The facilitator's browser: their page's cookies and CSRF token, and the link's token offered as an API token too. */
const facilitator = new Browser(app, { authorization: `Bearer ${token}` });
// A fresh token before each form post: a route walked before (POST /admin/logout) may have ended the session.
const freshCsrf = async () => csrfFrom((await facilitator.get(`/f/${token}`)).body);

async function call(method: string, url: string) {
  if (method === 'GET') return facilitator.get(url);
  if (url.startsWith('/api/'))
    return facilitator.request({
      method: method as 'POST',
      url,
      headers: { 'content-type': 'application/json' },
      payload: '{}',
    });
  return facilitator.post(url, { _csrf: await freshCsrf(), present: '1', text: 'essai' });
}

t.test('the facilitator routes are the only ones marked with the facilitator link policy', async (t) => {
  const marked = routes.filter((r) => r.policy?.link === 'facilitator').map((r) => `${r.method} ${r.url}`);
  t.same(marked.sort(), ['GET /f/:token', 'POST /f/:token/check-in/:registrationId', 'POST /f/:token/synthesis']);
  t.ok(
    routes.filter((r) => r.url.startsWith('/f/')).every((r) => r.policy?.access === 'public' && r.policy.link),
    'and every /f/ route is one of them',
  );
});

t.test("a facilitator's link opens only their own group, on every route of the service", async (t) => {
  t.ok(routes.length > 100, `the walk covers all ${routes.length} routes`);
  for (const route of routes) {
    const url = fill(route.url);
    const response = await call(route.method, url);
    const label = `${route.method} ${route.url} → ${response.statusCode}`;
    t.ok(response.statusCode < 500, `${label}: no server error`);
    t.notMatch(response.body, 'Membre-du-groupe-deux', `${label}: nothing of the other group`);
    t.notMatch(response.body, other.email, `${label}: not even an address`);
    if (route.url.startsWith('/api/') && route.policy?.access !== 'public')
      t.equal(response.statusCode, 401, `${label}: the API refuses the token`);
    else if (route.url.startsWith('/admin/') && !/^\/admin\/(login|password-reset)/.test(route.url))
      t.ok([303, 401, 403].includes(response.statusCode), `${label}: organiser pages refuse, or send to log in`);
    else if (route.url === '/f/:token/check-in/:registrationId')
      t.equal(response.statusCode, 404, `${label}: the other group's member cannot be checked in`);
    else if (route.url.startsWith('/f/')) t.ok(response.statusCode < 400, `${label}: their own page works`);
    else if (route.url.includes(':token')) t.ok(response.statusCode >= 400, `${label}: not another kind of link`);
    if (response.statusCode === 303 && route.method === 'GET' && route.url.startsWith('/admin/'))
      t.match(response.headers.location, /^\/admin\/login/, `${label}: to the login page`);
  }
  const untouched = await em().findOneOrFail(Registration, { id: other.id });
  t.equal(untouched.checkedInAt, null, 'the other group’s member was never marked present');
});

t.test('their own group works with the same link', async (t) => {
  const page = await facilitator.get(`/f/${token}`);
  t.equal(page.statusCode, 200);
  t.match(page.body, 'Membre-du-groupe-un');
  const checkIn = await facilitator.post(`/f/${token}/check-in/${mine.id}`, { _csrf: await freshCsrf(), present: '1' });
  t.equal(checkIn.statusCode, 303);
  t.ok((await em().findOneOrFail(Registration, { id: mine.id })).checkedInAt);
});

t.test("another group's link opens that group, not this one", async (t) => {
  const token2 = await issueFacilitatorLink(em(), event, group2.id);
  const page = await new Browser(app).get(`/f/${token2}`);
  t.match(page.body, 'Membre-du-groupe-deux');
  t.notMatch(page.body, 'Membre-du-groupe-un');
  const refused = await facilitator.post(`/f/${token2}/check-in/${mine.id}`, {
    _csrf: await freshCsrf(),
    present: '0',
  });
  t.equal(refused.statusCode, 404, 'a group-1 member through the group-2 link: 404');
});
