import t from 'tap';
import { buildTestApp } from '../support/app.js';
import { openEvent } from '../support/events.js';

// The security headers are worked out once (src/plugins/security.ts) and copied onto every reply:
// the first reply, later ones, error pages and static files all carry the same set.
const HEADERS = [
  'content-security-policy',
  'cross-origin-opener-policy',
  'cross-origin-resource-policy',
  'origin-agent-cluster',
  'referrer-policy',
  'x-content-type-options',
  'x-dns-prefetch-control',
  'x-download-options',
  'x-frame-options',
  'x-permitted-cross-domain-policies',
  'x-xss-protection',
];
const securityHeaders = (headers: Record<string, unknown>) =>
  Object.fromEntries(HEADERS.map((name) => [name, headers[name]]));

t.test('every reply carries the same security headers, from the first one on', async (t) => {
  const { app, orm } = await buildTestApp(t);
  const event = await openEvent(orm.em.fork());
  const first = await app.inject(`/e/${event.slug}/register`);
  const expected = securityHeaders(first.headers);
  t.match(expected['content-security-policy'], "default-src 'self'");
  t.match(expected['content-security-policy'], "form-action 'self'");
  t.equal(expected['x-content-type-options'], 'nosniff');
  t.equal(expected['x-frame-options'], 'SAMEORIGIN');
  for (const url of [
    `/e/${event.slug}/register`,
    `/e/${event.slug}`,
    '/no-such-page',
    '/static/app.css',
    '/admin/login',
  ]) {
    const res = await app.inject(url);
    t.same(securityHeaders(res.headers), expected, url);
  }
  t.equal(first.headers['strict-transport-security'], undefined, 'no HSTS over plain HTTP');
});

t.test('with an https PUBLIC_URL every reply asks for HTTPS (HSTS)', async (t) => {
  const { app } = await buildTestApp(t, { PUBLIC_URL: 'https://atelier.example.org' });
  for (const url of ['/', '/no-such-page'])
    t.match((await app.inject(url)).headers['strict-transport-security'], /max-age=\d+/, url);
});
