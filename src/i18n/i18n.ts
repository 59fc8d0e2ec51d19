import { readFileSync } from 'node:fs';
import { fromProjectRoot } from '../shared/paths.js';

export const LOCALES = ['fr', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'fr';

/** A message is a template, or one template per plural category (`Intl.PluralRules`) chosen by `count`. */
type PluralForms = Partial<Record<Intl.LDMLPluralRule, string>> & { other: string };
type Message = string | PluralForms;
type Messages = Record<string, Message>;

const PLURAL_CATEGORIES = new Set(['zero', 'one', 'two', 'few', 'many', 'other']);

function isPluralForms(value: unknown): value is PluralForms {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.includes('other') && keys.every((key) => PLURAL_CATEGORIES.has(key));
}

function load(locale: Locale): Messages {
  const file = fromProjectRoot('locales', `${locale}.json`);
  return flatten(JSON.parse(readFileSync(file, 'utf8')));
}

function flatten(tree: Record<string, unknown>, prefix = ''): Messages {
  const out: Messages = {};
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string' || isPluralForms(value)) out[path] = value;
    else Object.assign(out, flatten(value as Record<string, unknown>, path));
  }
  return out;
}

const catalogues: Record<Locale, Messages> = { fr: load('fr'), en: load('en') };

export type Translate = (key: string, params?: Record<string, string | number>) => string;

const pluralRules: Record<Locale, Intl.PluralRules> = {
  fr: new Intl.PluralRules('fr'),
  en: new Intl.PluralRules('en'),
};

/**
 * A number written the locale's way: `0,67` and `12 345` in French, `0.67` and `12,345` in English.
 * Four-digit numbers are not grouped (`2026`, not `2 026`), as French typography does for years and small counts.
 */
export function formatNumber(locale: Locale, value: number, options?: Intl.NumberFormatOptions): string {
  // 'min2' is in Node 20's Intl, not yet in the TypeScript lib this project targets.
  const grouping = { useGrouping: 'min2' as unknown as boolean };
  return new Intl.NumberFormat(locale, { maximumFractionDigits: 2, ...grouping, ...options }).format(value);
}

/**
 * A translator for one locale: `{name}` placeholders are filled in, numbers written the locale's way;
 * a plural message picks its form by `params.count`. A missing key falls back to French, then to the key.
 */
export function translator(locale: Locale): Translate {
  const messages = catalogues[locale];
  return (key, params) => {
    const message = messages[key] ?? catalogues[DEFAULT_LOCALE][key] ?? key;
    const template = typeof message === 'string' ? message : pluralForm(locale, message, params?.count);
    if (!params) return template;
    return template.replace(/\{(\w+)\}/g, (match, name: string) =>
      name in params ? formatParam(locale, params[name]) : match,
    );
  };
}

function pluralForm(locale: Locale, forms: PluralForms, count: string | number | undefined): string {
  if (typeof count !== 'number') return forms.other;
  return forms[pluralRules[locale].select(count)] ?? forms.other;
}

function formatParam(locale: Locale, value: string | number): string {
  return typeof value === 'number' ? formatNumber(locale, value) : value;
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
