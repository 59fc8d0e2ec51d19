import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const LOCALES = ['fr', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'fr';

type Messages = Record<string, string>;

function load(locale: Locale): Messages {
  const file = fileURLToPath(new URL(`../../locales/${locale}.json`, import.meta.url));
  return flatten(JSON.parse(readFileSync(file, 'utf8')));
}

function flatten(tree: Record<string, unknown>, prefix = ''): Messages {
  const out: Messages = {};
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') out[path] = value;
    else Object.assign(out, flatten(value as Record<string, unknown>, path));
  }
  return out;
}

const catalogues: Record<Locale, Messages> = { fr: load('fr'), en: load('en') };

export type Translate = (key: string, params?: Record<string, string | number>) => string;

/** A translator for one locale: `{name}` placeholders are filled in; a missing key falls back to French, then to the key. */
export function translator(locale: Locale): Translate {
  const messages = catalogues[locale];
  return (key, params) => {
    const template = messages[key] ?? catalogues[DEFAULT_LOCALE][key] ?? key;
    if (!params) return template;
    return template.replace(/\{(\w+)\}/g, (match, name: string) => (name in params ? String(params[name]) : match));
  };
}

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/** Picks the first supported language of an Accept-Language header, by quality. */
export function localeFromAcceptLanguage(header: string | undefined): Locale | undefined {
  if (!header) return undefined;
  const ranked = header
    .split(',')
    .map((part, index) => {
      const [tag, ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return { lang: tag.trim().toLowerCase().split('-')[0], q: q ? Number(q.slice(2)) || 0 : 1, index };
    })
    .filter((entry) => entry.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  return ranked.map((entry) => entry.lang).find(isLocale);
}

export function catalogueKeys(locale: Locale): string[] {
  return Object.keys(catalogues[locale]);
}
