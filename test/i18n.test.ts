import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { catalogueKeys, formatNumber, localeFromAcceptLanguage, translator } from '../src/i18n/i18n.js';

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

t.test('counts are real plurals: no "(s)" in the locales or the views', async (t) => {
  for (const file of ['locales/fr.json', 'locales/en.json', ...files('views')]) {
    // In views, only the text around the template code (where `label(s)` is a call).
    const text = readFileSync(file, 'utf8').replace(/<%[\s\S]*?%>/g, '');
    const found = text.match(/\p{L}\(s\)/gu) ?? [];
    t.same(found, [], file);
  }
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

t.test('plural messages pick their form by count, and numbers follow the locale', async (t) => {
  const fr = translator('fr');
  const en = translator('en');
  t.equal(fr('plural.registrations', { count: 0 }), '0 inscription');
  t.equal(fr('plural.registrations', { count: 1 }), '1 inscription');
  t.equal(fr('plural.registrations', { count: 2 }), '2 inscriptions');
  t.equal(en('plural.registrations', { count: 0 }), '0 registrations');
  t.equal(en('plural.registrations', { count: 1 }), '1 registration');
  t.equal(fr('plural.registrations', { count: 12345 }), '12\u202f345 inscriptions');
  t.equal(formatNumber('fr', 0.6667), '0,67');
  t.equal(formatNumber('en', 0.6667), '0.67');
  t.equal(formatNumber('fr', 2026), '2026');
  t.equal(fr('groups.preferenceParts.first', { count: 1 }), '1 personne a eu son 1er choix', 'one person: singular');
  t.equal(fr('groups.preferenceParts.first', { count: 3 }), '3 personnes ont eu leur 1er choix');
});
