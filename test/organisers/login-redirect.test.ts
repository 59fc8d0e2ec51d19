import fc from 'fast-check';
import t from 'tap';
import { safeNext } from '../../src/organisers/auth.routes.js';
import { Browser, ORGANISER, PUBLIC_URL, buildTestApp, signedInOrganiser } from '../support/app.js';

const { app } = await buildTestApp(t);
await signedInOrganiser(app);
const ORIGIN = new URL(PUBLIC_URL).origin;

/** Where a browser at the public address goes with this Location header. */
function landsOn(location: string): URL {
  return new URL(location, PUBLIC_URL);
}

// Strings that look like paths, with the characters that fooled the old check: slashes,
// backslashes, tabs, line breaks, other controls, non-Latin-1 letters, percent signs, dots.
const pathLike = fc
  .array(
    fc.oneof(
      fc.constantFrom('/', '\\', '\t', '\n', '\r', '\0', '.', '%', '?', '#', ':', '@', 'é', '€', '😀', 'evil.example'),
      fc.string({ maxLength: 4 }),
      fc.string({ unit: 'binary', maxLength: 3 }),
    ),
    { maxLength: 8 },
  )
  .map((parts) => `/${parts.join('')}`);

t.test('the old check let these through, or answered 500 after sign-in', async (t) => {
  // A fresh browser each time: once signed in, the login page shows no form.
  const signIn = (next: string) => new Browser(app).submit('/admin/login', '/admin/login', { ...ORGANISER, next });
  for (const next of [
    '/\t/evil.example',
    '/\n/evil.example',
    '/\r\n/evil.example',
    '/.//evil.example',
    '/\\evil.example',
  ]) {
    const res = await signIn(next);
    t.equal(res.statusCode, 303, JSON.stringify(next));
    t.equal(landsOn(res.headers.location as string).origin, ORIGIN, `${JSON.stringify(next)} stays on the site`);
  }
  for (const next of ['/admin\nX-Injected: 1', '/admin/événements', '/admin/€?q=ü']) {
    const res = await signIn(next);
    t.equal(res.statusCode, 303, `${JSON.stringify(next)}: a redirect, not a 500`);
    t.notOk(res.headers['x-injected'], 'no header injected');
  }
  const kept = await signIn('/admin/events/new?x=1');
  t.equal(kept.headers.location, '/admin/events/new?x=1', 'a plain local path is kept');
});

t.test('property: the next address never leaves the origin and is a valid header', async (t) => {
  fc.assert(
    fc.property(fc.oneof(pathLike, fc.string()), (next) => {
      const path = safeNext(next, PUBLIC_URL);
      if (!path.startsWith('/') || path.startsWith('//')) return false;
      if (landsOn(path).origin !== ORIGIN) return false;
      // Printable ASCII only: nothing a browser would drop, nothing Node refuses in a header.
      for (const ch of path) if (ch < '!' || ch > '~') return false;
      return true;
    }),
    { numRuns: 2000 },
  );
  t.pass('2000 addresses checked');
});

t.test('property: after sign-in, never a 500 and never another site', async (t) => {
  const browser = new Browser(app);
  await browser.submit('/admin/login', '/admin/login', ORGANISER);
  await fc.assert(
    fc.asyncProperty(pathLike, async (next) => {
      // Signed in already: the login page redirects at once to `next`.
      const res = await browser.get(`/admin/login?next=${encodeURIComponent(next)}`);
      // A control character is refused at the boundary (400) before the page is even read.
      if (res.statusCode === 400) return /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(next);
      return res.statusCode === 303 && landsOn(res.headers.location as string).origin === ORIGIN;
    }),
    { numRuns: 150 },
  );
  t.pass('150 sign-in redirects checked');
});
