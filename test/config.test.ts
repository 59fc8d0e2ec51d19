import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { ConfigError, loadConfig } from '../src/config.js';

const dataDir = () => mkdtempSync(join(tmpdir(), 'atelier-config-'));

t.test('defaults: SQLite under the data folder, port 3000 on localhost', async (t) => {
  const dir = dataDir();
  const config = loadConfig({ DATA_DIR: dir });
  t.equal(config.port, 3000);
  t.equal(config.host, '127.0.0.1');
  t.same(config.database, { kind: 'sqlite', url: join(dir, 'atelier.sqlite') });
  t.equal(config.publicUrl, 'http://127.0.0.1:3000');
  t.equal(config.logLevel, 'info');
  t.equal(config.publicCacheSeconds, 1, 'public pages kept one second');
  t.equal(config.sessionKey.length, 32);
  t.equal(
    readFileSync(join(dir, 'session-secret'), 'utf8'),
    config.sessionKey.toString('hex'),
    'the generated secret is kept',
  );
  t.same(loadConfig({ DATA_DIR: dir }).sessionKey, config.sessionKey, 'and reused on the next start');
});

t.test('database URLs select the driver', async (t) => {
  const dir = dataDir();
  t.equal(
    loadConfig({ DATA_DIR: dir, DATABASE_URL: 'postgres://u@127.0.0.1:5432/atelier' }).database.kind,
    'postgresql',
  );
  t.equal(loadConfig({ DATA_DIR: dir, DATABASE_URL: 'postgresql://u@db/atelier' }).database.kind, 'postgresql');
  t.same(loadConfig({ DATA_DIR: dir, DATABASE_URL: 'sqlite:///tmp/x.sqlite' }).database, {
    kind: 'sqlite',
    url: '/tmp/x.sqlite',
  });
  t.same(loadConfig({ DATA_DIR: dir, DATABASE_URL: '/tmp/y.sqlite' }).database, {
    kind: 'sqlite',
    url: '/tmp/y.sqlite',
  });
});

t.test('a wrong value stops the start with a message naming every problem', async (t) => {
  const error = t.throws(() =>
    loadConfig({
      DATA_DIR: dataDir(),
      PORT: 'huit',
      LOG_LEVEL: 'loud',
      PUBLIC_URL: 'ftp://x',
      DATABASE_URL: 'mysql://db',
      TRUST_PROXY: 'peut-être',
    }),
  ) as Error;
  t.ok(error instanceof ConfigError);
  for (const name of ['PORT', 'LOG_LEVEL', 'PUBLIC_URL', 'DATABASE_URL', 'TRUST_PROXY']) t.match(error.message, name);
  t.throws(() => loadConfig({ DATA_DIR: dataDir(), SESSION_SECRET: 'trop-court' }), /SESSION_SECRET/);
});

t.test('a shared SESSION_SECRET gives every instance the same key', async (t) => {
  const secret = 'a-long-shared-secret-for-all-instances-0123456789';
  t.same(
    loadConfig({ DATA_DIR: dataDir(), SESSION_SECRET: secret }).sessionKey,
    loadConfig({ DATA_DIR: dataDir(), SESSION_SECRET: secret }).sessionKey,
  );
});

t.test('PUBLIC_CACHE_SECONDS is a whole number of seconds from 1 to 3600', async (t) => {
  t.equal(loadConfig({ DATA_DIR: dataDir(), PUBLIC_CACHE_SECONDS: '30' }).publicCacheSeconds, 30);
  for (const bad of ['0', '-1', '1.5', 'abc', '3601'])
    t.throws(() => loadConfig({ DATA_DIR: dataDir(), PUBLIC_CACHE_SECONDS: bad }), /PUBLIC_CACHE_SECONDS/, bad);
});
