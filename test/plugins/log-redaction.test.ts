import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { loggedUrl } from '../../src/shared/log-redaction.js';
import { freshDatabaseUrl } from '../support/app.js';
import { startServer } from '../support/server-process.js';

// The request log (LOG_LEVEL=info) records every address asked for. The private links of attendees,
// surveys, facilitators and password resets are secrets: whoever reads the log must not be able to use them.

t.test('a secret path parameter is masked, the query string left out, other addresses kept', async (t) => {
  t.equal(loggedUrl('/r/:token/edit', '/r/12.abcdef/edit?lang=en'), '/r/…/edit');
  t.equal(loggedUrl('/admin/password-reset/:token', '/admin/password-reset/xyz'), '/admin/password-reset/…');
  t.equal(loggedUrl('/events/:slug', '/events/atelier-2026?lang=en'), '/events/atelier-2026');
  t.equal(loggedUrl(undefined, '/nowhere?token=secret'), '/nowhere', 'no route: the path without its query');
  t.equal(loggedUrl('/static/*', '/static/a/b.css'), '/static/a/b.css', 'a wildcard route is kept as it is');
});

t.test('the real service at LOG_LEVEL=info never writes a private link into its log', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'atelier-log-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  const env = {
    DATA_DIR: dataDir,
    DATABASE_URL: await freshDatabaseUrl(t, dataDir),
    SESSION_SECRET: 'the-secret-of-the-instance-that-logs',
    LOG_LEVEL: 'info',
  };
  const server = await startServer(env, t);
  const secrets = ['r/41.PRIVATE-LINK-SECRET', 's/7.SURVEY-LINK-SECRET', 'f/FACILITATOR-LINK-SECRET'];
  for (const path of [...secrets, 'admin/password-reset/RESET-LINK-SECRET', 'r/41.PRIVATE-LINK-SECRET/edit']) {
    const response = await fetch(`${server.url}/${path}?lang=QUERY-SECRET`);
    await response.arrayBuffer();
  }
  await server.stop();
  const log = server.output();
  t.match(log, /"url":"\/r\/…"/, 'the request was logged, with its link masked');
  t.match(log, /"url":"\/admin\/password-reset\/…"/);
  t.notMatch(log, /SECRET/, 'no secret from the path or the query string reaches the log');
});
