/**
 * Participation breakdowns for workshop reports: "70 participants, dont 39 % de travailleurs sociaux, …".
 *
 * Pure functions only (no I/O, no ORM): callers pass plain keys/counts and the event's structure types.
 */

/** A structure type as configured on an event (`Event.structureTypes`). */
export interface LabelledType {
  key: string;
  label: string;
}

export interface BreakdownRow {
  key: string;
  /** The event's label, or the key itself for keys that are not (or no longer) among the event's types. */
  label: string;
  count: number;
  /** Integer percentage; the rows' percentages sum to exactly 100 when `total > 0`. */
  percent: number;
  /** False for keys that are not among the event's types (grouped at the end). */
  known: boolean;
}

export interface Breakdown {
  total: number;
  rows: BreakdownRow[];
}

/** Singular/plural forms of the counted noun; chosen with `Intl.PluralRules` (in French 0 and 1 are singular). */
export interface NounForms {
  one: string;
  other: string;
}

/** NARROW NO-BREAK SPACE, the space French typography puts before "%" and between thousands. */
export const NNBSP = '\u202F';

function assertCount(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${what} must be a non-negative safe integer, got ${value}`);
  }
}

/**
 * Integer shares of `total` (100 by default) proportional to `counts`, by the largest-remainder
 * (Hamilton) method:
 *
 * 1. each share starts at the floor of its exact quota `count × total / sum`;
 * 2. the units still missing to reach `total` go, one each, to the shares with the largest
 *    remainders (fractional parts of their quotas).
 *
 * The result therefore sums to exactly `total` whenever `sum(counts) > 0`, and every share is within
 * one unit of its exact quota. If all counts are 0 (or `counts` is empty) every share is 0.
 *
 * Ties between equal remainders are broken deterministically: larger count first, then lower index.
 * Remainders are compared exactly (integer arithmetic on `count × total mod sum`, with BigInt), so
 * quotas such as 9/70 and 2/70 — whose remainders are both exactly 60/70 — really do tie instead of
 * being ordered by floating-point noise.
 *
 * @throws RangeError if a count or `total` is not a non-negative safe integer.
 */
export function largestRemainder(counts: number[], total = 100): number[] {
  assertCount(total, 'total');
  counts.forEach((count, index) => assertCount(count, `counts[${index}]`));
  const sum = counts.reduce((a, b) => a + b, 0);
  if (sum === 0) return counts.map(() => 0);

  const bigSum = BigInt(sum);
  const bigTotal = BigInt(total);
  const shares: number[] = [];
  const remainders: bigint[] = [];
  for (const count of counts) {
    const scaled = BigInt(count) * bigTotal;
    shares.push(Number(scaled / bigSum));
    remainders.push(scaled % bigSum);
  }
  let missing = total - shares.reduce((a, b) => a + b, 0);
  const order = counts
    .map((_, index) => index)
    .sort((a, b) => {
      if (remainders[a] !== remainders[b]) return remainders[a] > remainders[b] ? -1 : 1;
      if (counts[a] !== counts[b]) return counts[b] - counts[a];
      return a - b;
    });
  // 0 ≤ missing < counts.length (each floor loses less than one unit), so one pass suffices.
  for (const index of order) {
    if (missing <= 0) break;
    shares[index] += 1;
    missing -= 1;
  }
  return shares;
}

function groupDigits(n: number, separator: string): string {
  const [integer, fraction] = Math.abs(n).toString().split('.');
  const grouped = integer.replace(/\B(?=(\d{3})+(?!\d))/g, separator);
  return (n < 0 ? '-' : '') + grouped + (fraction ? `.${fraction}` : '');
}

/** "1 234" with a narrow no-break space between thousands, decimal comma (French typography). */
export function formatNumberFr(n: number): string {
  return groupDigits(n, NNBSP).replace('.', ',');
}

/** "1,234" (English). */
export function formatNumberEn(n: number): string {
  return groupDigits(n, ',');
}

/**
 * "39 %" — French typography puts a space before "%", and that space must not break (the number
 * and its sign must stay on one line). We use U+202F NARROW NO-BREAK SPACE, recommended by the
 * Imprimerie nationale and produced by `Intl.NumberFormat('fr-FR', { style: 'percent' })` in modern
 * ICU; U+00A0 is the older fallback. Decimals use a comma: 12.5 → "12,5 %".
 */
export function formatPercentFr(n: number): string {
  return `${formatNumberFr(n)}${NNBSP}%`;
}

/**
 * "39 %" with an ordinary space, for plain-text channels that mangle non-ASCII spaces (some e-mail
 * clients, old spreadsheets). Prefer `formatPercentFr` everywhere else.
 */
export function formatPercentFrPlain(n: number): string {
  return `${formatNumberFr(n).replaceAll(NNBSP, ' ')} %`;
}

/** "39%" (English: no space). */
export function formatPercentEn(n: number): string {
  return `${formatNumberEn(n)}%`;
}

/**
 * Counts per structure type, in the order of `types`, then one row per unknown key (keys absent from
 * `types`, e.g. a type removed after people registered), sorted by key, labelled with the key itself.
 * Types with no registration are kept with count 0 (useful for tables; the sentence omits them).
 *
 * `items` is either one `{ key }` per registration or pre-aggregated counts (`{ association: 18, … }`,
 * e.g. from a GROUP BY). Percentages come from `largestRemainder`, so they sum to 100 when total > 0.
 */
export function breakdown(items: { key: string }[] | Record<string, number>, types: LabelledType[]): Breakdown {
  const counts = new Map<string, number>();
  if (Array.isArray(items)) {
    for (const item of items) counts.set(item.key, (counts.get(item.key) ?? 0) + 1);
  } else {
    for (const [key, count] of Object.entries(items)) {
      assertCount(count, `count of "${key}"`);
      counts.set(key, (counts.get(key) ?? 0) + count);
    }
  }

  const rows: Omit<BreakdownRow, 'percent'>[] = [];
  const seen = new Set<string>();
  for (const type of types) {
    if (seen.has(type.key)) continue; // duplicate keys are rejected upstream; never count twice
    seen.add(type.key);
    rows.push({ key: type.key, label: type.label, count: counts.get(type.key) ?? 0, known: true });
  }
  const unknown = [...counts.keys()].filter((key) => !seen.has(key)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (const key of unknown) rows.push({ key, label: key, count: counts.get(key)!, known: false });

  const percents = largestRemainder(rows.map((row) => row.count));
  const total = rows.reduce((sum, row) => sum + row.count, 0);
  return { total, rows: rows.map((row, index) => ({ ...row, percent: percents[index] })) };
}

// ---------------------------------------------------------------------------------------------
// French pluralisation of structure-type labels
// ---------------------------------------------------------------------------------------------

/** Words that start a complement: pluralisation stops there ("fournisseurs d'énergie"). */
const FR_COMPLEMENT_WORDS = new Set([
  'de',
  'du',
  'des',
  'à',
  'au',
  'aux',
  'en',
  'pour',
  'sur',
  'chez',
  'avec',
  'sans',
  'par',
  'dans',
  'sous',
  'contre',
  'entre',
  'le',
  'la',
  'les',
]);
/** Coordinations: pluralisation continues after them ("élus et agents"). */
const FR_COORDINATION_WORDS = new Set(['et', 'ou']);

/** -al words whose plural is -als. */
const FR_AL_EXCEPTIONS = new Set([
  'bal',
  'cal',
  'carnaval',
  'cérémonial',
  'chacal',
  'choral',
  'festival',
  'récital',
  'régal',
  'naval',
  'fatal',
  'banal',
  'bancal',
  'natal',
  'tonal',
  'étal',
]);
/** -ail words whose plural is -aux (the others take -s: "détails", "portails"). */
const FR_AIL_TO_AUX = new Set(['bail', 'corail', 'émail', 'soupirail', 'travail', 'vantail', 'vitrail']);
/** -ou words taking -x (the others take -s). */
const FR_OU_TO_OUX = new Set(['bijou', 'caillou', 'chou', 'genou', 'hibou', 'joujou', 'pou']);
/** -au/-eu words taking -s (the others take -x). */
const FR_AU_EU_EXCEPTIONS = new Set(['landau', 'sarrau', 'bleu', 'pneu', 'émeu']);

const isAcronym = (word: string): boolean =>
  word.length > 1 && word === word.toLocaleUpperCase('fr') && /\p{Lu}/u.test(word);

/** Plural of one French word (noun or adjective), keeping its case. Acronyms are invariable ("CCAS"). */
export function pluralizeWordFr(word: string): string {
  if (!word || isAcronym(word) || !/\p{L}$/u.test(word)) return word;
  if (word.includes('-')) {
    // "non-adhérent" → "non-adhérents": only the last element varies in the common cases.
    const parts = word.split('-');
    parts[parts.length - 1] = pluralizeWordFr(parts[parts.length - 1]);
    return parts.join('-');
  }
  const lower = word.toLocaleLowerCase('fr');
  if (/[sxz]$/.test(lower)) return word;
  if (FR_AIL_TO_AUX.has(lower)) return `${word.slice(0, -3)}aux`;
  if (lower.endsWith('al') && !FR_AL_EXCEPTIONS.has(lower)) return `${word.slice(0, -2)}aux`;
  if (/(?:au|eu)$/.test(lower) && !FR_AU_EU_EXCEPTIONS.has(lower)) return `${word}x`;
  if (FR_OU_TO_OUX.has(lower)) return `${word}x`;
  return `${word}s`;
}

/**
 * Plural, lower-case-initial form of a structure-type label, for use after "de":
 * "Travailleur social" → "travailleurs sociaux", "Fournisseur d'énergie" → "fournisseurs d'énergie",
 * "Collectivité" → "collectivités". The head noun and its adjectives vary; everything from the
 * first preposition or elided article on ("d'énergie", "de quartier", "à domicile") stays as is.
 * Acronyms ("CCAS", "HLM") and words ending in -s/-x/-z are invariable, so labels already in the
 * plural are left alone. The first letter is lower-cased unless the first word is an acronym.
 */
export function pluralizeLabelFr(label: string): string {
  const words = label.trim().split(/\s+/).filter(Boolean);
  let inComplement = false;
  const plural = words.map((word) => {
    const lower = word.toLocaleLowerCase('fr');
    if (inComplement) return word;
    if (FR_COORDINATION_WORDS.has(lower)) return word;
    if (FR_COMPLEMENT_WORDS.has(lower) || /^(?:d|l)['’]/i.test(word) || word.startsWith('(')) {
      inComplement = true;
      return word;
    }
    return pluralizeWordFr(word);
  });
  if (plural.length > 0 && !isAcronym(plural[0])) {
    const first = plural[0];
    plural[0] = first.charAt(0).toLocaleLowerCase('fr') + first.slice(1);
  }
  return plural.join(' ');
}

/** Common words starting with an aspirated h (no elision: "de handicapés", "de hauts fonctionnaires"). */
const FR_ASPIRATED_H = [
  'hall',
  'hamac',
  'hameau',
  'hanche',
  'handicap',
  'hangar',
  'harcèle',
  'hardi',
  'hareng',
  'haricot',
  'harpe',
  'hasard',
  'hâte',
  'hausse',
  'haut',
  'héros',
  'hérisson',
  'hibou',
  'hiérarchi',
  'hockey',
  'hollandais',
  'homard',
  'hongrois',
  'honte',
  'hors',
  'houx',
  'huit',
  'hutte',
];

/** Whether "de" elides to "d'" before `word`: initial vowel (y only before a consonant) or mute h. */
export function elidesFr(word: string): boolean {
  const lower = word.toLocaleLowerCase('fr');
  const plain = lower.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
  if (/^[aeiouæœ]/.test(plain)) return true;
  if (plain.startsWith('y')) return !/^y[aeiou]/.test(plain); // "d'ypérites" but "de yaourts"
  if (plain.startsWith('h'))
    return !FR_ASPIRATED_H.some((prefix) => lower.startsWith(prefix) || plain.startsWith(prefix));
  return false;
}

/** "de travailleurs sociaux", "d'associations", "d'habitants", "de handicapés". */
export function deFr(phrase: string): string {
  return elidesFr(phrase) ? `d'${phrase}` : `de ${phrase}`;
}

function sentenceRows<T extends { label: string; count: number; percent: number }>(rows: T[], locale: string): T[] {
  const collator = new Intl.Collator(locale);
  return rows.filter((row) => row.count > 0).sort((a, b) => b.count - a.count || collator.compare(a.label, b.label));
}

function nounFor(noun: string | NounForms, total: number, locale: string): string {
  if (typeof noun === 'string') return noun;
  return new Intl.PluralRules(locale).select(total) === 'one' ? noun.one : noun.other;
}

/**
 * "70 participants, dont 39 % de travailleurs sociaux, 26 % d'associations, 14 % de bailleurs sociaux".
 *
 * Decisions:
 * - rows with count 0 are omitted; every non-zero row is listed, so there is never a trailing "…";
 * - rows are sorted by count descending, ties by label (French collation);
 * - items are separated by commas only, like the network's existing reports (no final "et");
 * - a non-zero row whose rounded share is 0 % reads "moins de 1 % de …" rather than a false "0 %";
 * - percentages use a narrow no-break space ("39 %"), the total is grouped the French way;
 * - `noun` is either a fixed string or singular/plural forms (French: 0 and 1 take the singular);
 *   with no non-zero row the sentence is just "0 participant".
 * Labels are pluralised with `pluralizeLabelFr` and introduced by "de"/"d'" (`deFr`).
 */
export function reportSentenceFr(
  total: number,
  rows: { label: string; count: number; percent: number }[],
  noun: string | NounForms = { one: 'participant', other: 'participants' },
): string {
  const head = `${formatNumberFr(total)} ${nounFor(noun, total, 'fr')}`;
  const parts = sentenceRows(rows, 'fr').map((row) => {
    const share = row.percent === 0 ? `moins de ${formatPercentFr(1)}` : formatPercentFr(row.percent);
    return `${share} ${deFr(pluralizeLabelFr(row.label))}`;
  });
  return parts.length === 0 ? head : `${head}, dont ${parts.join(', ')}`;
}

/**
 * "70 participants: Travailleur social 39%, Association 26%, Bailleur social 14%".
 *
 * Labels are organiser-entered and usually French, so the English sentence lists them verbatim as
 * "label share" pairs instead of inflecting them. Same ordering and omission rules as
 * `reportSentenceFr`; a non-zero share rounded to 0 reads "<1%"; English plural rules for `noun`.
 */
export function reportSentenceEn(
  total: number,
  rows: { label: string; count: number; percent: number }[],
  noun: string | NounForms = { one: 'participant', other: 'participants' },
): string {
  const head = `${formatNumberEn(total)} ${nounFor(noun, total, 'en')}`;
  const parts = sentenceRows(rows, 'en').map(
    (row) => `${row.label} ${row.percent === 0 ? '<1%' : formatPercentEn(row.percent)}`,
  );
  return parts.length === 0 ? head : `${head}: ${parts.join(', ')}`;
}
