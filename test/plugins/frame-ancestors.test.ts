import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { ConfigError, loadConfig } from '../../src/config.js';
import { buildTestApp } from '../support/app.js';
import { openEvent } from '../support/events.js';

// Partners may embed the public form in their site: FRAME_ANCESTORS lists who may frame the pages
// (CSP frame-ancestors), 'self' by default.
const dataDir = () => mkdtempSync(join(tmpdir(), 'atelier-frame-'));
const frameAncestors = (csp: unknown) => /frame-ancestors ([^;]+)/.exec(String(csp))?.[1];

t.test("by default only the service's own pages may frame it", async (t) => {
  const { app, orm } = await buildTestApp(t);
  const event = await openEvent(orm.em.fork());
  const res = await app.inject(`/e/${event.slug}/register`);
  t.equal(frameAncestors(res.headers['content-security-policy']), "'self'");
  t.equal(res.headers['x-frame-options'], 'SAMEORIGIN');
});

t.test('FRAME_ANCESTORS lets the named partner sites embed the form', async (t) => {
  const { app, orm } = await buildTestApp(t, {
    FRAME_ANCESTORS: "'self' https://www.alisee.fr https://*.ccas-angers.fr",
  });
  const event = await openEvent(orm.em.fork());
  const res = await app.inject(`/e/${event.slug}/register`);
  t.equal(
    frameAncestors(res.headers['content-security-policy']),
    "'self' https://www.alisee.fr https://*.ccas-angers.fr",
  );
  t.equal(res.headers['x-frame-options'], undefined, 'no X-Frame-Options to contradict it');
});

t.test("'none' forbids any framing", async (t) => {
  const { app } = await buildTestApp(t, { FRAME_ANCESTORS: "'none'" });
  const res = await app.inject('/');
  t.equal(frameAncestors(res.headers['content-security-policy']), "'none'");
  t.equal(res.headers['x-frame-options'], 'DENY');
});

t.test('a wrong FRAME_ANCESTORS stops the start with a message that names it and the wrong part', async (t) => {
  for (const wrong of [
    'https://partner.org/form',
    'partner.org',
    'https://a.org;script-src *',
    "'none' https://a.org",
    'javascript:alert(1)',
  ]) {
    const error = t.throws(() => loadConfig({ DATA_DIR: dataDir(), FRAME_ANCESTORS: wrong })) as Error;
    t.ok(error instanceof ConfigError, wrong);
    t.match(error.message, 'FRAME_ANCESTORS');
  }
});

t.test('the guards have sensible defaults and refuse wrong numbers', async (t) => {
  const config = loadConfig({ DATA_DIR: dataDir() });
  t.same(config.rateLimits, { register: 30, apiRegister: 120, login: 10 });
  t.equal(config.formMinFillSeconds, 3);
  t.equal(config.redisUrl, null);
  const error = t.throws(() =>
    loadConfig({
      DATA_DIR: dataDir(),
      RATE_LIMIT_LOGIN: 'dix',
      FORM_MIN_FILL_SECONDS: '-1',
      REDIS_URL: 'http://cache',
    }),
  ) as Error;
  for (const name of ['RATE_LIMIT_LOGIN', 'FORM_MIN_FILL_SECONDS', 'REDIS_URL']) t.match(error.message, name);
});
