import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { ConfigError, loadConfig } from '../../src/config.js';

const dataDir = () => mkdtempSync(join(tmpdir(), 'atelier-mail-config-'));

t.test(
  'by default emails are written to DATA_DIR/outbox, from atelier@ the public host, and this instance sends them',
  async (t) => {
    const dir = dataDir();
    const config = loadConfig({ DATA_DIR: dir, PUBLIC_URL: 'https://inscriptions.ccas-angers.fr' });
    t.same(config.mail, {
      smtpUrl: null,
      from: { name: 'Atelier', address: 'atelier@inscriptions.ccas-angers.fr' },
      outboxDir: join(dir, 'outbox'),
      worker: true,
    });
    t.equal(
      loadConfig({ DATA_DIR: dir }).mail.from.address,
      'atelier@localhost',
      'an IP or a bare host name: localhost',
    );
  },
);

t.test('SMTP_URL and MAIL_FROM, with or without a name', async (t) => {
  const config = loadConfig({
    DATA_DIR: dataDir(),
    SMTP_URL: 'smtp://user:secret@mail.example.org:587',
    MAIL_FROM: "CCAS d'Angers <atelier@ccas-angers.fr>",
    MAIL_WORKER: 'false',
  });
  t.equal(config.mail.smtpUrl, 'smtp://user:secret@mail.example.org:587');
  t.same(config.mail.from, { name: "CCAS d'Angers", address: 'atelier@ccas-angers.fr' });
  t.equal(config.mail.worker, false);
  t.same(
    loadConfig({ DATA_DIR: dataDir(), SMTP_URL: 'smtps://mail.example.org', MAIL_FROM: 'atelier@ccas-angers.fr' }).mail
      .from,
    { name: 'Atelier', address: 'atelier@ccas-angers.fr' },
  );
  t.same(loadConfig({ DATA_DIR: dataDir(), MAIL_FROM: '"Réseau précarité" <reseau@exemple.fr>' }).mail.from, {
    name: 'Réseau précarité',
    address: 'reseau@exemple.fr',
  });
});

t.test('wrong mail settings stop the start with a message naming them, never showing the password', async (t) => {
  const error = t.throws(() =>
    loadConfig({
      DATA_DIR: dataDir(),
      SMTP_URL: 'http://user:topsecret@mail.example.org',
      MAIL_FROM: 'pas une adresse',
      MAIL_WORKER: 'parfois',
    }),
  ) as Error;
  t.ok(error instanceof ConfigError);
  for (const name of ['SMTP_URL', 'MAIL_FROM', 'MAIL_WORKER']) t.match(error.message, name);
  t.notMatch(error.message, 'topsecret');
  t.match(error.message, 'user:***@');
  t.throws(
    () => loadConfig({ DATA_DIR: dataDir(), SMTP_URL: 'smtp://mail.example.org' }),
    /MAIL_FROM is required when SMTP_URL is set/,
  );
});
