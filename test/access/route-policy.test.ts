import t from 'tap';
import { onEvent, signedIn } from '../../src/shared/route-policy.js';
import { buildTestApp } from '../support/app.js';

const { app } = await buildTestApp(t);
const policyOf = (method: string, url: string) =>
  app.routeTable.find((route) => route.method === method && route.url === url)?.policy;

t.test('every route of the service declares its policy: who may call it, about which event', async (t) => {
  const routes = app.routeTable.filter(({ url }) => !url.startsWith('/static/'));
  t.ok(routes.length > 100, 'the whole route table is there');
  t.same(
    routes.filter((route) => !route.policy).map(({ method, url }) => `${method} ${url}`),
    [],
  );
});

t.test('a route added without a policy stops the service at start-up (deny by default)', async (t) => {
  const other = await buildTestApp(t);
  await t.rejects(async () => {
    await other.app.register(async (scope) => {
      scope.get('/admin/forgotten-policy', async () => 'open to anyone');
    });
  }, /GET \/admin\/forgotten-policy declares no config\.policy/);
});

t.test('a page whose plugin forgot the organiser guards is still closed: the policy alone refuses', async (t) => {
  const other = await buildTestApp(t);
  let ran = 0;
  await other.app.register(async (scope) => {
    scope.get('/admin/forgotten-guard', { config: signedIn() }, async () => ++ran);
    scope.get('/admin/events/:id/forgotten-guard', { config: onEvent('viewer') }, async () => ++ran);
  });
  for (const url of ['/admin/forgotten-guard', '/admin/events/1/forgotten-guard']) {
    const res = await other.app.inject(url);
    t.equal(res.statusCode, 401, `${url}: refused to someone not signed in`);
    t.notMatch(res.body, /^[0-9]+$/, 'and nothing of the page');
  }
  t.equal(ran, 0, 'no handler ran');
});

t.test('policies say the role, the event, the audited reads and the rate limits', async (t) => {
  t.match(policyOf('GET', '/api/v1/events/:id/breakdown'), {
    access: 'viewer',
    event: { param: 'id' },
    audit: 'viewed',
  });
  t.match(policyOf('POST', '/admin/login'), { access: 'public', rateLimit: 'login' });
  t.match(policyOf('POST', '/admin/password-reset'), { access: 'public', rateLimit: 'login' });
  t.match(policyOf('POST', '/e/:slug/register'), { access: 'public', rateLimit: 'register' });
  t.match(policyOf('GET', '/admin/emails/:messageId'), { event: { param: 'messageId', row: 'message' } });
  t.match(policyOf('GET', '/admin/events/:id/team'), { access: 'owner' });
});
