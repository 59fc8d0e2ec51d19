/**
 * The normalised key of a structure's name: two spellings of one structure ("CCAS Angers", "C.C.A.S. d'Angers",
 * "Centre communal d'action sociale d'Angers") get the same key. Case, accents and punctuation are dropped,
 * dotted acronyms are joined ("C.C.A.S." → "ccas"), elided and small words ("d'", "de", "la", "et"…) removed,
 * and the long forms of the network's usual acronyms replaced by the acronym. One pass over the characters,
 * then over the words, with a bounded look-ahead: linear in the name's length, no regular expression.
 * The key never gets longer than the folded name, and normalising a key gives the key back.
 */
/** Small words left out of the key. */
const STOP_WORDS = new Set([
  'a',
  'au',
  'aux',
  'd',
  'de',
  'des',
  'du',
  'en',
  'et',
  'l',
  'la',
  'le',
  'les',
  'pour',
  'sur',
]);
/** One spelling for words written several ways (always shorter or equal, so keys never grow). */
const SYNONYMS = {
  saint: 'st',
  sainte: 'ste',
  association: 'asso',
  assoc: 'asso',
  information: 'info',
  informations: 'info',
  infos: 'info',
  allocations: 'allocation',
  centres: 'centre',
  espaces: 'espace',
};
/** Long forms (after the steps above) and their acronym. No acronym is a word of a long form. */
const ACRONYMS = [
  ['centre communal action sociale', 'ccas'],
  ['centre intercommunal action sociale', 'cias'],
  ['caisse allocation familiales', 'caf'],
  ['caisse allocation familiale', 'caf'],
  ['caisse primaire assurance maladie', 'cpam'],
  ['mutualite sociale agricole', 'msa'],
  ['union departementale associations familiales', 'udaf'],
  ['union departementale asso familiales', 'udaf'],
  ['consommation logement cadre vie', 'clcv'],
  ['asso consommation logement cadre vie', 'clcv'],
  ['espace info energie', 'eie'],
  ['agence departementale info logement', 'adil'],
  ['office public habitat', 'oph'],
];
const PHRASES = new Map();
const ACRONYM_OF = new Map();
for (const [phrase, acronym] of ACRONYMS) {
  const words = phrase.split(' ');
  const first = words[0];
  PHRASES.set(first, [...(PHRASES.get(first) ?? []), words]);
  ACRONYM_OF.set(phrase, acronym);
}
function isCombiningMark(code) {
  return code >= 0x300 && code <= 0x36f;
}
/** Lower-case, unaccented words of letters and digits, each with the punctuation that follows it. */
function words(name) {
  const out = [];
  let current = '';
  const flush = (after) => {
    if (current.length > 0) out.push({ text: current, after });
    current = '';
  };
  for (const char of name.normalize('NFKD').toLowerCase()) {
    if (isCombiningMark(char.charCodeAt(0))) continue;
    if ((char >= 'a' && char <= 'z') || (char >= '0' && char <= '9')) current += char;
    else if (char === 'œ') current += 'oe';
    else if (char === 'æ') current += 'ae';
    else if (char === '.') flush('.');
    else if (char === "'" || char === '\u2019' || char === '\u02bc') flush("'");
    else flush(' ');
  }
  flush(' ');
  return out;
}
/** "c. c. a. s." → "ccas": runs of two or more one-letter words, each but the last followed by a dot. */
function joinDottedAcronyms(list) {
  const out = [];
  let i = 0;
  while (i < list.length) {
    const word = list[i];
    if (word.text.length === 1 && word.after === '.') {
      let j = i;
      let joined = '';
      while (j < list.length && list[j].text.length === 1 && list[j].after !== "'") {
        joined += list[j].text;
        const dotted = list[j].after === '.';
        j++;
        if (!dotted) break;
      }
      if (joined.length >= 2) {
        out.push(joined);
        i = j;
        continue;
      }
    }
    // A one-letter word before an apostrophe is an elided article or preposition: d', l', j'.
    if (!(word.text.length === 1 && word.after === "'")) out.push(word.text);
    i++;
  }
  return out;
}
/** Replaces every long form by its acronym, longest first at each position. */
function shortenLongForms(list) {
  const out = [];
  let i = 0;
  while (i < list.length) {
    let matched = 0;
    let acronym = '';
    for (const phrase of PHRASES.get(list[i]) ?? []) {
      if (phrase.length <= matched || i + phrase.length > list.length) continue;
      if (phrase.every((word, k) => list[i + k] === word)) {
        matched = phrase.length;
        acronym = ACRONYM_OF.get(phrase.join(' '));
      }
    }
    if (matched > 0) {
      out.push(acronym);
      i += matched;
    } else out.push(list[i++]);
  }
  return out;
}
/** The longest key kept (the column's length). */
export const NORMALIZED_KEY_LENGTH = 255;
export function normalizeStructureName(name) {
  const joined = joinDottedAcronyms(words(name));
  const unified = joined.map((word) => SYNONYMS[word] ?? word);
  const meaningful = unified.filter((word) => !STOP_WORDS.has(word));
  // A name made only of small words ("Le Lieu" is not, "Le" is) keeps them, so it still has a key.
  const key = meaningful.length > 0 ? shortenLongForms(meaningful).join(' ') : unified.join(' ');
  return key.length <= NORMALIZED_KEY_LENGTH ? key : key.slice(0, NORMALIZED_KEY_LENGTH).trimEnd();
}
