/** Preference costs: what placing someone at a given rank of their list costs in the assignment network. */

export interface PreferenceCosts {
  /** Cost of being placed at 0-based rank r of one's list. */
  rank(r: number): number;
  unranked: number;
}

/**
 * Costs whose sum orders assignments lexicographically by (first choices, second choices, other ranked
 * choices, sum of ranks beyond the second), for up to n movable people.
 */
export function preferenceCosts(n: number, longest: number): PreferenceCosts {
  const SAFE = 2 ** 52;
  const lexicographic = (maxExcess: number) => {
    const C = n * maxExcess + 1; // not ranked at all
    const B = n * (C + maxExcess) + 1; // neither first nor second
    const A = n * (B + C + maxExcess) + 1; // not first
    const top = A + B + C;
    return { A, B, C, top };
  };
  let maxExcess = Math.max(0, longest - 3);
  let w = lexicographic(maxExcess);
  if ((n + 1) * (w.top + maxExcess) >= SAFE) {
    maxExcess = 0;
    w = lexicographic(0);
  }
  if ((n + 1) * w.top < SAFE) {
    const { A, B, C } = w;
    const excess = maxExcess;
    return {
      rank: (r) => (r === 0 ? 0 : r === 1 ? A : A + B + (excess > 0 ? r - 2 : 0)),
      unranked: A + B + C,
    };
  }
  return { rank: (r) => r, unranked: Math.max(1, longest) };
}
