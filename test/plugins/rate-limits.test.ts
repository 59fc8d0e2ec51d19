import { randomInt } from 'node:crypto';
import t from 'tap';
import { Redis } from 'ioredis';
import { createApiToken, createOrganiser } from '../../src/organisers/organiser.service.js';
import { Registration } from '../../src/registrations/registration.entity.js';
import { Browser, buildTestApp, textOf } from '../support/app.js';
import { attendee, openEvent } from '../support/events.js';

// Limits per client address and per minute on the public form, the API's registration and the
// login (set low here), counted from request.ip: the connection's address unless TRUST_PROXY, then
// exactly one hop of X-Forwarded-For. With REDIS_URL every instance shares the counters.
const LIMITS = { RATE_LIMIT_REGISTER: '2', RATE_LIMIT_API_REGISTER: '2', RATE_LIMIT_LOGIN: '2' };
/** An address of its own per test, so the counters of one test (and of an earlier run, in Redis) never meet another's. */
const someAddress = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;

const login = (
  app: Awaited<ReturnType<typeof buildTestApp>>['app'],
  headers: Record<string, string>,
  remoteAddress = '127.0.0.1',
) =>
  app.inject({
    method: 'POST',
    url: '/admin/login',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    payload: 'email=a%40b.fr&password=x',
    remoteAddress,
  });

t.test(
  'the public form: the third registration in a minute from one address gets a readable 429 page with Retry-After',
  async (t) => {
    const { app, orm } = await buildTestApp(t, LIMITS);
    const event = await openEvent(orm.em.fork());
    const statuses = [];
    for (const n of [1, 2, 3])
      statuses.push(
        await new Browser(app).submit(`/e/${event.slug}/register`, `/e/${event.slug}/register`, attendee(n)),
      );
    t.same(
      statuses.map((r) => r.statusCode),
      [303, 303, 429],
    );
    const limited = statuses[2];
    t.match(String(limited.headers['content-type']), 'text/html');
    t.match(textOf(limited.body), /Trop de demandes depuis votre connexion\. Réessayez dans \d+ secondes\./);
    t.ok(
      Number(limited.headers['retry-after']) > 0 && Number(limited.headers['retry-after']) <= 60,
      'Retry-After in seconds',
    );
    t.equal(await orm.em.fork().count(Registration, { event: event.id }), 2, 'the third was not stored');
    const english = await new Browser(app, { 'accept-language': 'en' }).submit(
      `/e/${event.slug}/register`,
      `/e/${event.slug}/register`,
      attendee(4),
    );
    t.equal(english.statusCode, 429);
    t.match(textOf(english.body), 'Too many requests from your connection');
    const chosen = new Browser(app);
    await chosen.get('/?lang=en');
    const page = `/e/${event.slug}/register`;
    const limitedEnglish = await chosen.submit(page, page, attendee(5));
    t.equal(limitedEnglish.statusCode, 429);
    t.match(
      textOf(limitedEnglish.body),
      'Too many requests from your connection',
      'in the language chosen on the site, too',
    );
  },
);

t.test('the API: 429 JSON rate_limited with Retry-After', async (t) => {
  const { app, orm } = await buildTestApp(t, LIMITS);
  await createOrganiser(orm.em.fork(), { email: 'api@limite.fr', password: 'mot-de-passe-api' });
  const token = await createApiToken(orm.em.fork(), 'api@limite.fr');
  const event = await openEvent(orm.em.fork());
  const post = (n: number) =>
    app.inject({
      method: 'POST',
      url: `/api/v1/events/${event.id}/registrations`,
      headers: { authorization: `Bearer ${token}` },
      payload: { ...attendee(n), consent: true },
    });
  t.same([(await post(1)).statusCode, (await post(2)).statusCode], [201, 201]);
  const limited = await post(3);
  t.equal(limited.statusCode, 429);
  t.equal(limited.json().error, 'rate_limited');
  t.match(limited.json().message, /Réessayez dans \d+ secondes/);
  t.ok(Number(limited.headers['retry-after']) > 0);
});

t.test('the login: the third attempt in a minute from one address is refused with 429', async (t) => {
  const { app } = await buildTestApp(t, LIMITS);
  const statuses = [];
  for (let i = 0; i < 3; i++) statuses.push((await login(app, {})).statusCode);
  t.not(statuses[1], 429);
  t.equal(statuses[2], 429);
});

t.test('without TRUST_PROXY a made-up X-Forwarded-For changes nothing: the limit still applies', async (t) => {
  const { app } = await buildTestApp(t, LIMITS);
  const statuses = [];
  for (let i = 0; i < 3; i++) statuses.push((await login(app, { 'x-forwarded-for': someAddress() })).statusCode);
  t.equal(statuses[2], 429);
});

t.test('with TRUST_PROXY the client address is the one hop the proxy added', async (t) => {
  const { app } = await buildTestApp(t, { ...LIMITS, TRUST_PROXY: 'true' });
  const client = someAddress();
  // What the client wrote before the proxy's hop is ignored: these are all the same client.
  const spoofed = [];
  for (let i = 0; i < 3; i++)
    spoofed.push((await login(app, { 'x-forwarded-for': `${someAddress()}, ${client}` })).statusCode);
  t.equal(spoofed[2], 429, 'the same client, however it fills the header');
  t.not(
    (await login(app, { 'x-forwarded-for': someAddress() })).statusCode,
    429,
    'another client behind the same proxy is not limited',
  );
});

async function redisReachable(): Promise<boolean> {
  const redis = new Redis('redis://127.0.0.1:6379', {
    lazyConnect: true,
    connectTimeout: 1000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  redis.on('error', () => {});
  try {
    await redis.connect();
    return (await redis.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

const redisUp = await redisReachable();
t.test(
  'with REDIS_URL two instances share the counters',
  { skip: redisUp ? false : 'no Redis answers at redis://127.0.0.1:6379: start one to run this test' },
  async (t) => {
    const env = { ...LIMITS, REDIS_URL: 'redis://127.0.0.1:6379' };
    const a = await buildTestApp(t, env);
    const b = await buildTestApp(t, env);
    const address = someAddress();
    const statuses = [
      (await login(a.app, {}, address)).statusCode,
      (await login(b.app, {}, address)).statusCode,
      (await login(a.app, {}, address)).statusCode,
      (await login(b.app, {}, address)).statusCode,
    ];
    t.not(statuses[1], 429);
    t.same(statuses.slice(2), [429, 429], 'the limit is reached over both instances together');
    t.not((await login(b.app, {}, someAddress())).statusCode, 429, 'another address has its own counter');
  },
);

t.test('a Redis that does not answer lets requests through, uncounted, without waiting for it', async (t) => {
  const { app } = await buildTestApp(t, { ...LIMITS, REDIS_URL: 'redis://127.0.0.1:1' });
  const statuses = [];
  for (let i = 0; i < 3; i++) statuses.push((await login(app, {})).statusCode);
  t.notOk(statuses.includes(429), `answered ${statuses.join(', ')}`);
  t.notOk(statuses.includes(500));
});

t.test('control: without REDIS_URL each instance counts on its own', async (t) => {
  const a = await buildTestApp(t, LIMITS);
  const b = await buildTestApp(t, LIMITS);
  const statuses = [
    (await login(a.app, {})).statusCode,
    (await login(b.app, {})).statusCode,
    (await login(a.app, {})).statusCode,
    (await login(b.app, {})).statusCode,
  ];
  t.notOk(statuses.includes(429), 'two each: under the limit of each instance');
});
