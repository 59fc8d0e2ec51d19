import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { catalogueKeys, localeFromAcceptLanguage, translator } from '../src/i18n/i18n.js';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

t.test('French and English have the same messages', async (t) => {
  t.same(catalogueKeys('en').sort(), catalogueKeys('fr').sort());
});

t.test('every literal message key used in the views and code exists', async (t) => {
  const keys = new Set(catalogueKeys('fr'));
  const used = new Set<string>();
  for (const file of [...files('views'), ...files('src')]) {
    for (const match of readFileSync(file, 'utf8').matchAll(/\bt\('([a-zA-Z_.]+)'[,)]/g)) used.add(match[1]);
  }
  t.ok(used.size > 50, `${used.size} keys found`);
  t.same(
    [...used].filter((key) => !keys.has(key)),
    [],
    'no missing key',
  );
});

t.test('placeholders and language negotiation', async (t) => {
  t.equal(translator('fr')('event.seatsLeft', { count: 3 }), 'Places restantes : 3');
  t.equal(translator('en')('event.seatsLeft', { count: 3 }), 'Seats left: 3');
  t.equal(translator('en')('no.such.key'), 'no.such.key');
  t.equal(localeFromAcceptLanguage('de-DE,en;q=0.8,fr;q=0.9'), 'fr');
  t.equal(localeFromAcceptLanguage('en-US,en;q=0.9'), 'en');
  t.equal(localeFromAcceptLanguage('de'), undefined);
  t.equal(localeFromAcceptLanguage(undefined), undefined);
});
