/**
 * Organisation spread, applied last without changing balance or preferences: members of a bucket are
 * interchangeable, so the flow's units are dealt organisation-aware, then a local search swaps people of the
 * same type when that lowers the number of same-organisation pairs inside groups.
 */
import type { FlowUnits } from './network.js';
import type { PreferenceCosts } from './preference-costs.js';
import type { PlannedPerson } from './types.js';

/** Seated people per (organisation, group), for organisations of 2+ seated people (index -1 = not tracked). */
export class OrgCounter {
  private readonly dense: Int32Array | null;
  private readonly sparse = new Map<number, number>();

  constructor(
    orgs: number,
    private readonly G: number,
  ) {
    this.dense = orgs * G <= 1 << 22 ? new Int32Array(orgs * G) : null;
  }

  get(org: number, g: number): number {
    if (org < 0) return 0;
    return this.dense ? this.dense[org * this.G + g] : (this.sparse.get(org * this.G + g) ?? 0);
  }

  add(org: number, g: number, d: number): void {
    if (org < 0) return;
    if (this.dense) this.dense[org * this.G + g] += d;
    else this.sparse.set(org * this.G + g, this.get(org, g) + d);
  }
}

export interface TrackedOrganisations {
  /** orgOf[i]: tracked organisation of plan.people[i], -1 when untracked. */
  orgOf: Int32Array;
  /** Counts the fixed people already. */
  counts: OrgCounter;
}

/** Organisations that can collide: two or more seated people. Others are ignored from here on. */
export function trackOrganisations(people: PlannedPerson[], groups: number): TrackedOrganisations {
  const seatedPerOrg = new Map<number, number>();
  people.forEach((p) => {
    if (p.placed && p.org >= 0) seatedPerOrg.set(p.org, (seatedPerOrg.get(p.org) ?? 0) + 1);
  });
  const orgOf = new Int32Array(people.length).fill(-1);
  const compact = new Map<number, number>();
  people.forEach((p, i) => {
    if (!p.placed || p.org < 0 || seatedPerOrg.get(p.org)! < 2) return;
    let o = compact.get(p.org);
    if (o === undefined) compact.set(p.org, (o = compact.size));
    orgOf[i] = o;
  });
  const counts = new OrgCounter(compact.size, groups);
  people.forEach((p, i) => {
    if (p.fixedGroup >= 0) counts.add(orgOf[i], p.fixedGroup, 1);
  });
  return { orgOf, counts };
}

/**
 * Deals the flow's units to each bucket's members, lowest id first, each to the group where its organisation
 * is rarest (ties: ranked groups first, then lowest group). Consumes `units`.
 */
export function dealUnits(units: FlowUnits, orgs: TrackedOrganisations, groupOf: Int32Array): void {
  const { orgOf, counts } = orgs;
  units.buckets.forEach((bucket, b) => {
    const ranked = units.direct[b];
    const pool = units.pool[bucket.type];
    for (const i of bucket.members) {
      const org = orgOf[i];
      const k = rarestRankedUnit(ranked, org, counts);
      const rankedCount = k >= 0 ? counts.get(org, ranked[k]) : Infinity;
      let g = units.hubDemand[b] > 0 && rankedCount > 0 ? rarestPoolGroup(pool, org, counts, rankedCount) : -1;
      if (g >= 0) {
        pool[g]--;
        units.hubDemand[b]--;
      } else {
        g = ranked[k];
        ranked.splice(k, 1);
      }
      groupOf[i] = g;
      counts.add(org, g, 1);
    }
  });
}

/** Index in `ranked` of the first group where `org` has the fewest people, -1 when empty. */
function rarestRankedUnit(ranked: number[], org: number, counts: OrgCounter): number {
  let best = -1;
  let bestCount = Infinity;
  for (let k = 0; k < ranked.length; k++) {
    const c = counts.get(org, ranked[k]);
    if (c < bestCount) {
      best = k;
      bestCount = c;
    }
  }
  return best;
}

/** First group left in `pool` where `org` has the fewest people, if fewer than `below`; else -1. */
function rarestPoolGroup(pool: Int32Array, org: number, counts: OrgCounter, below: number): number {
  let best = -1;
  let bestCount = below;
  for (let g = 0; g < pool.length; g++) {
    if (pool[g] === 0) continue;
    const c = counts.get(org, g);
    if (c < bestCount) {
      best = g;
      bestCount = c;
      if (c === 0) break;
    }
  }
  return best;
}
/**
 * Local search: swap two free people of the same type in different groups when the swap keeps the multiset of
 * their preference costs (so every preference count and every balance count is unchanged) and lowers the number
 * of same-organisation pairs inside groups. First improvement, in id order, at most a few passes.
 */
export function spreadOrganisations(
  people: PlannedPerson[],
  freeByType: number[][],
  groupOf: Int32Array,
  orgs: TrackedOrganisations,
  costs: PreferenceCosts,
  groups: number,
): void {
  const search = new SwapSearch(people, freeByType, groupOf, orgs, costs, groups);
  for (let pass = 0; pass < 4; pass++) {
    let improved = false;
    for (const a of search.free) if (search.swapAway(a)) improved = true;
    if (!improved) break;
  }
}

class SwapSearch {
  /** Free people, ascending. */
  readonly free: number[];
  /**
   * lists[2 * (t * G + g) + u]: free people of type t in group g, placed in a group they ranked (u = 0) or not
   * (u = 1). A swap in which a would be unranked in its new group keeps the costs only with an unranked partner,
   * which makes the search short in the usual case. pos[i]: index of person i in its list.
   */
  private readonly lists: number[][];
  private readonly pos: Int32Array;
  /** Preference cost of each free person in their current group. */
  private readonly costNow: Float64Array;

  constructor(
    private readonly people: PlannedPerson[],
    freeByType: number[][],
    private readonly groupOf: Int32Array,
    private readonly orgs: TrackedOrganisations,
    private readonly costs: PreferenceCosts,
    private readonly G: number,
  ) {
    this.lists = Array.from({ length: 2 * freeByType.length * G }, () => []);
    this.pos = new Int32Array(people.length);
    this.costNow = new Float64Array(people.length);
    this.free = freeByType.flat().sort((a, b) => a - b);
    for (const i of this.free) {
      this.costNow[i] = this.cost(i, groupOf[i]);
      this.insert(i);
    }
  }

  /** Swaps a with someone if that lowers the same-organisation pairs (first improvement); true if it did. */
  swapAway(a: number): boolean {
    const { orgOf, counts } = this.orgs;
    const oa = orgOf[a];
    if (oa < 0) return false;
    const g1 = this.groupOf[a];
    const c1 = counts.get(oa, g1);
    if (c1 < 2) return false;
    for (let g2 = 0; g2 < this.G; g2++) {
      if (g2 === g1) continue;
      const da = counts.get(oa, g2) - (c1 - 1);
      if (da >= 0) continue;
      const b = this.partnerIn(g2, a, da);
      if (b >= 0) {
        this.swap(a, b);
        return true;
      }
    }
    return false;
  }

  /**
   * Someone of a's type in g2 whose swap with a keeps the multiset of their costs and lowers the pairs overall,
   * given that a's move alone changes them by da; -1 if none.
   */
  private partnerIn(g2: number, a: number, da: number): number {
    const { orgOf, counts } = this.orgs;
    const oa = orgOf[a];
    const g1 = this.groupOf[a];
    const t = this.people[a].type;
    const ca1 = this.costNow[a];
    const ca2 = this.cost(a, g2);
    const unranked = this.costs.unranked;
    // {ca1, cb2} = {ca2, cb1} with ca2 unranked forces cb2 unranked.
    for (let u = ca2 === unranked ? 1 : 0; u < 2; u++) {
      const list2 = this.lists[2 * (t * this.G + g2) + u];
      for (let k = 0; k < list2.length; k++) {
        const b = list2[k];
        const ob = orgOf[b];
        if (ob === oa) continue;
        const db = ob < 0 ? 0 : counts.get(ob, g1) - (counts.get(ob, g2) - 1);
        if (da + db >= 0) continue;
        const cb2 = this.costNow[b];
        const cb1 = this.cost(b, g1);
        if ((ca1 === ca2 && cb1 === cb2) || (ca1 === cb1 && cb2 === ca2)) return b;
      }
    }
    return -1;
  }

  private swap(a: number, b: number): void {
    const { groupOf, costNow } = this;
    const { orgOf, counts } = this.orgs;
    const g1 = groupOf[a];
    const g2 = groupOf[b];
    const ca2 = this.cost(a, g2);
    const cb1 = this.cost(b, g1);
    this.remove(a);
    this.remove(b);
    groupOf[a] = g2;
    groupOf[b] = g1;
    costNow[a] = ca2;
    costNow[b] = cb1;
    this.insert(a);
    this.insert(b);
    counts.add(orgOf[a], g1, -1);
    counts.add(orgOf[a], g2, 1);
    counts.add(orgOf[b], g2, -1);
    counts.add(orgOf[b], g1, 1);
  }

  private cost(i: number, g: number): number {
    const r = this.people[i].prefs.indexOf(g);
    return r < 0 ? this.costs.unranked : this.costs.rank(r);
  }

  private listOf(i: number): number[] {
    const u = this.costNow[i] === this.costs.unranked ? 1 : 0;
    return this.lists[2 * (this.people[i].type * this.G + this.groupOf[i]) + u];
  }

  private insert(i: number): void {
    const list = this.listOf(i);
    this.pos[i] = list.length;
    list.push(i);
  }

  private remove(i: number): void {
    const list = this.listOf(i);
    const last = list.pop()!;
    if (last !== i) {
      list[this.pos[i]] = last;
      this.pos[last] = this.pos[i];
    }
  }
}
