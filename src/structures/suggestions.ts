/**
 * Suggested merges: structures whose names have the same normalised key (two were created at once, or a key
 * rule was added since), the same words in another order, or keys one or two letters apart (a typo). Keys are
 * compared only within groups sharing a word, and each comparison is bounded, so the work stays small.
 */

export interface Candidate {
  id: number;
  name: string;
  normalizedKey: string;
  registrations: number;
}

export interface Suggestion {
  reason: 'same_key' | 'close_key';
  /** Most registrations first: the likely survivor. */
  structures: Candidate[];
}

/** Levenshtein distance if at most `max`, else max + 1 (one row at a time, stopped early). */
export function boundedDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const value = Math.min(
        (previous[j] as number) + 1,
        (current[j - 1] as number) + 1,
        (previous[j - 1] as number) + cost,
      );
      current.push(value);
      if (value < best) best = value;
    }
    if (best > max) return max + 1;
    previous = current;
  }
  return previous[b.length] as number;
}

/** The key's numbers ("ccas 49 2" → "49 2"): two keys with other numbers are never suggested as close. */
function numbersOf(key: string): string {
  return key
    .split(' ')
    .filter((word) => word.length > 0 && word.charCodeAt(0) >= 48 && word.charCodeAt(0) <= 57)
    .join(' ');
}

const byUse = (a: Candidate, b: Candidate) => b.registrations - a.registrations || a.id - b.id;

/** At most `limit` suggestions, exact duplicates first. */
export function suggestMerges(candidates: Candidate[], limit = 30): Suggestion[] {
  const suggestions: Suggestion[] = [];
  const paired = new Set<string>();
  const groups = new Map<string, Candidate[]>();
  for (const c of candidates) {
    const sorted = c.normalizedKey.split(' ').sort().join(' ');
    groups.set(sorted, [...(groups.get(sorted) ?? []), c]);
  }
  for (const group of groups.values()) {
    if (group.length < 2) continue;
    const sameKey = group.every((c) => c.normalizedKey === group[0]?.normalizedKey);
    suggestions.push({ reason: sameKey ? 'same_key' : 'close_key', structures: [...group].sort(byUse) });
    for (const a of group) for (const b of group) paired.add(`${a.id}:${b.id}`);
  }
  suggestions.sort((a, b) => Number(b.reason === 'same_key') - Number(a.reason === 'same_key'));
  // Close keys: compared within the groups of a shared long word, common words (in many names) left out.
  const byWord = new Map<string, Candidate[]>();
  for (const c of candidates)
    for (const word of new Set(c.normalizedKey.split(' ')))
      if (word.length >= 4) byWord.set(word, [...(byWord.get(word) ?? []), c]);
  for (const group of byWord.values()) {
    if (group.length < 2 || group.length > 40) continue;
    for (let i = 0; i < group.length; i++) {
      for (let j = i + 1; j < group.length; j++) {
        const a = group[i] as Candidate;
        const b = group[j] as Candidate;
        if (paired.has(`${a.id}:${b.id}`) || a.normalizedKey.length < 6) continue;
        // "ADIL 49" and "ADIL 44", "Structure 1" and "Structure 2": other numbers, other structures.
        if (numbersOf(a.normalizedKey) !== numbersOf(b.normalizedKey)) continue;
        paired.add(`${a.id}:${b.id}`);
        paired.add(`${b.id}:${a.id}`);
        const max = a.normalizedKey.length >= 12 ? 2 : 1;
        if (boundedDistance(a.normalizedKey, b.normalizedKey, max) <= max)
          suggestions.push({ reason: 'close_key', structures: [a, b].sort(byUse) });
      }
    }
  }
  return suggestions.slice(0, limit);
}
