/**
 * The directory of actors (annuaire): the public cards of the structures, searched and filtered as
 * pure functions. A card holds only the structure's public fields, never anything about a person.
 */

export interface Place {
  code: string;
  name: string;
}

export interface DirectoryCard {
  id: number;
  name: string;
  type: Place | null;
  side: Place | null;
  commune: Place | null;
  epci: Place | null;
  missions: string;
  publicContact: string;
  /** An http(s) address, else null (never a javascript: or other link). */
  website: string | null;
}

export interface DirectoryFilter {
  q: string;
  type: string;
  side: string;
  commune: string;
  epci: string;
}

export const NO_FILTER: DirectoryFilter = { q: '', type: '', side: '', commune: '', epci: '' };

/** Lower case, accents and punctuation away, spaces collapsed: "C.C.A.S. d'Angers" → "c c a s d angers". */
export function fold(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** The website as a link, when it is one: http(s) only; a bare domain gets https://. */
export function safeWebsite(value: string | null | undefined): string | null {
  const text = (value ?? '').trim();
  if (!text) return null;
  const withScheme = /^[a-z][a-z0-9+.-]*:/i.test(text) ? text : `https://${text}`;
  try {
    const url = new URL(withScheme);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.toString() : null;
  } catch {
    return null;
  }
}

/** The cards matching every filter given: the words of `q` each in the name or the missions. */
export function filterCards(cards: DirectoryCard[], filter: DirectoryFilter): DirectoryCard[] {
  const words = fold(filter.q.slice(0, 200)).split(' ').filter(Boolean);
  return cards.filter((card) => {
    if (filter.type && card.type?.code !== filter.type) return false;
    if (filter.side && card.side?.code !== filter.side) return false;
    if (filter.commune && card.commune?.code !== filter.commune) return false;
    if (filter.epci && card.epci?.code !== filter.epci) return false;
    if (words.length === 0) return true;
    const text = fold(`${card.name} ${card.missions}`);
    return words.every((word) => text.includes(word));
  });
}

/** The distinct values of one facet among the cards, by name, for the filter's list. */
export function facet(cards: DirectoryCard[], pick: (card: DirectoryCard) => Place | null): Place[] {
  const seen = new Map<string, Place>();
  for (const card of cards) {
    const place = pick(card);
    if (place && !seen.has(place.code)) seen.set(place.code, place);
  }
  return [...seen.values()].sort((a, b) => a.name.localeCompare(b.name, 'fr'));
}

/** Cards in alphabetical order of name (French collation). */
export function sortCards(cards: DirectoryCard[]): DirectoryCard[] {
  return [...cards].sort((a, b) => a.name.localeCompare(b.name, 'fr', { sensitivity: 'base' }) || a.id - b.id);
}
