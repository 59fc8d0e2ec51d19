/**
 * Breakout-group assignment: pure functions, no I/O.
 *
 * WHAT IS GUARANTEED
 * ------------------
 * 1. Capacity. No group ever receives more people than its capacity. Fixed people (locked ones, and in mode
 *    'unassigned' everyone who already has a group) always keep their group; when they alone exceed a group's
 *    capacity they are kept, nobody else is added there, and `locked_over_capacity` is reported.
 * 2. Who gets a seat. Everybody is placed when the seats suffice (any unlimited group makes them suffice).
 *    Otherwise `capacity_short` is reported, fixed people keep their seats, the seats are shared between the
 *    structure types in proportion to their registrations (largest remainder) so that no type disappears, and
 *    within a type they go to the lowest ids (first registered, first served); the others are `unplaced`.
 * 3. Group sizes. The placed people are shared between the groups in proportion to their capacities (an
 *    unlimited group weighs as much as the largest limited one, or 1 when none is limited), never above a
 *    capacity nor below a group's fixed people, rounded by largest remainder (ties: lower group id).
 *    These target sizes s_g are met exactly.
 * 4. Balance. With P_t the number of placed people of structure type t and M the number of placed people,
 *    fairShare[t][g] = P_t * s_g / M. Whenever the fixed people allow it, and in particular whenever nobody is
 *    fixed, every count[t][g] is floor or ceil of fairShare[t][g], i.e. |count - fairShare| < 1.
 *    Why this is always possible without fixed people: the matrix of fair shares has integer row sums (P_t)
 *    and integer column sums (s_g). It is a feasible flow in the network source -> type t (exactly P_t) ->
 *    group g (between floor and ceil of its fair share) -> sink (exactly s_g); a network with integer bounds
 *    that has a feasible flow has an integral one (integrality of network flows; this is the classical
 *    "controlled rounding" of a table, Bacharach 1966, Cox & Ernst 1982). With fixed people the lower bounds
 *    become max(floor, fixed count) and that may be infeasible: then the solver minimises the violations
 *    (convex penalties, so several small gaps are preferred to one big one) and reports `balance_infeasible`,
 *    plus `locked_over_fair_share` for every type/group whose fixed people alone exceed ceil(fairShare).
 * 5. Preferences. Among ALL assignments satisfying 1-4 (not just given one particular rounding), the result
 *    is lexicographically optimal: the most first choices; among those the most second choices; then the most
 *    people in any other group they ranked; then the lowest sum of those ranks. If the lexicographic weights
 *    would not fit exactly in double precision (only with very long ranked lists and tens of thousands of
 *    people, or more than ~150,000 people) the guarantee degrades gracefully: first the order among ranks 3+
 *    is dropped, then costs become rank-linear (0, 1, 2, ..., unranked = longest list + 1).
 *    Below preferences, a tie-break prefers rounding each fair share to the nearest integer (e.g. 4 people of a
 *    type over 4 similar groups: 1/1/1/1 rather than 2/1/1/0), using (1 - 2 * fractional part) rounded to
 *    -1/0/+1: a coarse criterion, deliberately, since finer weights multiply the solver's phases. It is only
 *    applied up to 5,000 people to place (beyond, it costs ~70% more solver time for a cosmetic gain).
 * 6. Organisations. Last, and without changing anything above, people of one organisation are spread over the
 *    groups: members of identical (type, preferences) buckets are interchangeable, so they are dealt
 *    organisation-aware, then a local search swaps two people of the same type whenever the swap keeps every
 *    preference cost and lowers the number of same-organisation pairs inside groups (a heuristic: a local
 *    optimum, not a global one).
 *    Organisation names are compared case-, accent- and space-insensitively; an empty one matches nobody.
 * 7. Determinism. People and groups are sorted by id and every tie is broken by id: the same input in any
 *    order gives the same output. No randomness. Ids are assumed unique (a repeated group id is ignored).
 * Also: preferences naming unknown groups are ignored; a fixed person whose group does not exist is placed
 * like anybody else and reported (`unknown_group`); `locked` without a current group locks nothing.
 *
 * HOW
 * ---
 * Points 3-5 are one min-cost flow: source -> bucket of people with the same type and ranked list ->
 * (type, group) cell [directly for ranked groups; through a per-type hub for "any other group"] -> group ->
 * sink. Each cell -> group arc is split into convex cost tiers around [floor, ceil] of the fair share; costs
 * are triples compared lexicographically (balance, preferences, rounding tie-break), so balance can never be
 * traded for preferences. Since the in-band solutions are exactly the zero-penalty ones and one exists
 * (point 4), the optimum is balanced whenever balance is possible. It is solved by the primal-dual method:
 * Dijkstra with potentials, then Dinic blocking flows (max-flow) on the zero-reduced-cost arcs; the quota
 * max-flow of point 4 (types -> groups with bounds floor/ceil) is this network's cell layer. The graph has one
 * node per distinct (type, ranked list), not per person, plus types x groups cells: for 10,000 people, 12
 * types, 100 groups and 3 preferences each, about 11,000 nodes, 55,000 arcs and about 20 phases.
 */

export interface AssignmentGroup {
  id: number;
  /** null = unlimited */
  capacity: number | null;
}

export interface AssignmentPerson {
  id: number;
  structureType: string;
  organisation: string;
  /** Group ids, first = first choice. */
  preferences?: number[];
  /** Current group. */
  groupId?: number | null;
  locked?: boolean;
}

export interface AssignmentInput {
  groups: AssignmentGroup[];
  people: AssignmentPerson[];
  mode: 'unassigned' | 'all';
}

export interface AssignmentProblem {
  code: string;
  params: Record<string, string | number>;
}

export interface AssignmentReport {
  /** type -> group id -> fair share (real number) */
  fairShare: Record<string, Record<number, number>>;
  /** type -> group id -> count after assignment */
  counts: Record<string, Record<number, number>>;
  /** max |count - fairShare| over all type/group */
  maxGap: number;
  /** Over placed people: first, second, other ranked choice, a group they did not rank; and people without preferences. */
  preferences: { first: number; second: number; other: number; none: number; withoutPreferences: number };
  /** Person ids with no seat, ascending. */
  unplaced: number[];
  problems: AssignmentProblem[];
}

export interface AssignmentResult {
  /** person id -> group id (null = could not be placed) */
  assignments: Map<number, number | null>;
  report: AssignmentReport;
}

/** One person after normalisation; group references are indexes into SeatPlan.groupIds. */
export interface PlannedPerson {
  id: number;
  type: number;
  /** Index of the normalised organisation, -1 when empty. */
  org: number;
  /** Ranked group indexes: known groups only, duplicates removed. */
  prefs: number[];
  /** Group index the person keeps (locked, or already placed in mode 'unassigned'), -1 if free. */
  fixedGroup: number;
  /** Whether the person gets a seat (always true for fixed people). */
  placed: boolean;
}

/** Everything decided before choosing who goes where: shared by assignGroups, the report and the baselines. */
export interface SeatPlan {
  groupIds: number[];
  /** Effective capacity per group index: max(capacity, fixed people), Infinity when unlimited. */
  capacity: number[];
  /** Target size s_g per group index. */
  size: number[];
  /** Structure types, most frequent first, then by name. */
  types: string[];
  /** Sorted by id. */
  people: PlannedPerson[];
  /** P_t: placed people per type index. */
  placedPerType: number[];
  /** fairShare[t][g] */
  fairShare: number[][];
  problems: AssignmentProblem[];
}

// ---------------------------------------------------------------------------------------------------------
// Planning: who is fixed, who gets a seat, group target sizes, fair shares.
// ---------------------------------------------------------------------------------------------------------

function normaliseOrganisation(organisation: string): string {
  return (organisation ?? '')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

function byId<T extends { id: number }>(a: T, b: T): number {
  return a.id - b.id;
}

export function planSeats(input: AssignmentInput): SeatPlan {
  const problems: AssignmentProblem[] = [];

  // Groups: unique ids (first occurrence wins), ascending.
  const seenGroups = new Set<number>();
  const groups: AssignmentGroup[] = [];
  for (const group of input.groups) {
    if (seenGroups.has(group.id)) continue;
    seenGroups.add(group.id);
    groups.push(group);
  }
  groups.sort(byId);
  const G = groups.length;
  const groupIds = groups.map((g) => g.id);
  const groupIndex = new Map<number, number>(groupIds.map((id, i) => [id, i]));

  const rawPeople = [...input.people].sort(byId);

  // Types: most frequent first, then by name (independent of input order).
  const typeCount = new Map<string, number>();
  for (const p of rawPeople) typeCount.set(p.structureType, (typeCount.get(p.structureType) ?? 0) + 1);
  const types = [...typeCount.keys()].sort(
    (a, b) => typeCount.get(b)! - typeCount.get(a)! || (a < b ? -1 : a > b ? 1 : 0),
  );
  const typeIndex = new Map<string, number>(types.map((t, i) => [t, i]));
  const T = types.length;

  const orgIndex = new Map<string, number>();
  const people: PlannedPerson[] = rawPeople.map((p) => {
    const orgKey = normaliseOrganisation(p.organisation);
    let org = -1;
    if (orgKey) {
      org = orgIndex.get(orgKey) ?? orgIndex.size;
      orgIndex.set(orgKey, org);
    }
    const prefs: number[] = [];
    for (const gid of p.preferences ?? []) {
      const gi = groupIndex.get(gid);
      if (gi !== undefined && !prefs.includes(gi)) prefs.push(gi);
    }
    let fixedGroup = -1;
    const keeps = p.locked === true || input.mode === 'unassigned';
    if (keeps && p.groupId !== undefined && p.groupId !== null) {
      const gi = groupIndex.get(p.groupId);
      if (gi === undefined) problems.push({ code: 'unknown_group', params: { person: p.id, group: p.groupId } });
      else fixedGroup = gi;
    }
    return { id: p.id, type: typeIndex.get(p.structureType)!, org, prefs, fixedGroup, placed: fixedGroup >= 0 };
  });

  // Capacities, counting fixed people against them.
  const fixedPerGroup = new Array<number>(G).fill(0);
  for (const p of people) if (p.fixedGroup >= 0) fixedPerGroup[p.fixedGroup]++;
  const capacity = groups.map((g, i) => {
    if (g.capacity === null || g.capacity === undefined || g.capacity === Infinity) return Infinity;
    const declared = Number.isFinite(g.capacity) ? Math.max(0, Math.floor(g.capacity)) : 0;
    if (fixedPerGroup[i] > declared) {
      problems.push({
        code: 'locked_over_capacity',
        params: { group: g.id, capacity: declared, locked: fixedPerGroup[i] },
      });
    }
    return Math.max(declared, fixedPerGroup[i]);
  });

  const N = people.length;
  const seats = capacity.reduce((a, b) => a + b, 0);
  if (G === 0 && N > 0) problems.push({ code: 'no_groups', params: { people: N } });
  else if (seats < N) problems.push({ code: 'capacity_short', params: { seats, people: N } });
  const M = G === 0 ? 0 : Math.min(N, seats);

  // Seats per type in proportion to the registrations (largest remainder, never below the type's fixed
  // people), so that a shortage does not remove a type; within a type, lowest ids (first registered) first.
  const perType = new Array<number>(T).fill(0);
  const fixedPerType = new Array<number>(T).fill(0);
  for (const p of people) {
    perType[p.type]++;
    if (p.fixedGroup >= 0) fixedPerType[p.type]++;
  }
  const typeSeats = M >= N ? perType : apportion(M, perType, fixedPerType, perType);
  const freeSeats = typeSeats.map((s, t) => s - fixedPerType[t]);
  for (const p of people) {
    if (p.fixedGroup < 0 && freeSeats[p.type] > 0) {
      p.placed = true;
      freeSeats[p.type]--;
    }
  }

  // Target sizes proportional to capacity, within [fixed, capacity].
  const maxFinite = capacity.reduce(
    (m, c, i) => (Number.isFinite(c) && groups[i].capacity! > 0 ? Math.max(m, groups[i].capacity!) : m),
    0,
  );
  const weight = groups.map((g, i) =>
    Number.isFinite(capacity[i])
      ? Math.max(0, Number.isFinite(g.capacity) ? g.capacity! : 0)
      : maxFinite > 0
        ? maxFinite
        : 1,
  );
  const size = apportion(M, weight, fixedPerGroup, capacity);

  const placedPerType = new Array<number>(T).fill(0);
  for (const p of people) if (p.placed) placedPerType[p.type]++;
  const fairShare = placedPerType.map((pt) => size.map((s) => (M > 0 ? (pt * s) / M : 0)));

  return { groupIds, capacity, size, types, people, placedPerType, fairShare, problems };
}

/**
 * Shares `total` integer units in proportion to `weight`, each part clamped to [lower, upper]
 * (Σlower <= total <= Σupper): continuous water-filling, then largest remainder (ties: lower index).
 */
function apportion(total: number, weight: number[], lower: number[], upper: number[]): number[] {
  const n = weight.length;
  if (n === 0) return [];
  const clampAt = (lambda: number) => weight.map((w, i) => Math.min(upper[i], Math.max(lower[i], lambda * w)));
  let hi = 1;
  for (let i = 0; i < n; i++) {
    if (weight[i] > 0) hi = Math.max(hi, (Number.isFinite(upper[i]) ? upper[i] : total) / weight[i]);
  }
  let lo = 0;
  for (let iter = 0; iter < 200 && hi - lo > 1e-12 * hi; iter++) {
    const mid = (lo + hi) / 2;
    const sum = clampAt(mid).reduce((a, b) => a + b, 0);
    if (sum < total) lo = mid;
    else hi = mid;
  }
  const target = clampAt(hi);
  const result = target.map((x, i) => Math.min(upper[i], Math.max(lower[i], Math.floor(x + 1e-9))));
  let sum = result.reduce((a, b) => a + b, 0);
  while (sum < total) {
    let best = -1;
    for (let i = 0; i < n; i++) {
      if (result[i] >= upper[i]) continue;
      if (best < 0 || target[i] - result[i] > target[best] - result[best]) best = i;
    }
    if (best < 0) break;
    result[best]++;
    sum++;
  }
  while (sum > total) {
    let best = -1;
    for (let i = n - 1; i >= 0; i--) {
      if (result[i] <= lower[i]) continue;
      if (best < 0 || target[i] - result[i] < target[best] - result[best]) best = i;
    }
    if (best < 0) break;
    result[best]--;
    sum--;
  }
  return result;
}

// ---------------------------------------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------------------------------------

function makeReport(plan: SeatPlan, groupOf: Int32Array, problems: AssignmentProblem[]): AssignmentReport {
  const { types, groupIds, fairShare } = plan;
  const T = types.length;
  const G = groupIds.length;
  const count: number[][] = types.map(() => new Array<number>(G).fill(0));
  const preferences = { first: 0, second: 0, other: 0, none: 0, withoutPreferences: 0 };
  const unplaced: number[] = [];
  plan.people.forEach((p, i) => {
    const g = groupOf[i];
    if (g < 0) {
      unplaced.push(p.id);
      return;
    }
    count[p.type][g]++;
    const rank = p.prefs.indexOf(g);
    if (p.prefs.length === 0) preferences.withoutPreferences++;
    else if (rank === 0) preferences.first++;
    else if (rank === 1) preferences.second++;
    else if (rank > 1) preferences.other++;
    else preferences.none++;
  });
  const fairShareOut: Record<string, Record<number, number>> = {};
  const countsOut: Record<string, Record<number, number>> = {};
  let maxGap = 0;
  let outOfBand = 0;
  for (let t = 0; t < T; t++) {
    fairShareOut[types[t]] = {};
    countsOut[types[t]] = {};
    for (let g = 0; g < G; g++) {
      const f = fairShare[t][g];
      fairShareOut[types[t]][groupIds[g]] = f;
      countsOut[types[t]][groupIds[g]] = count[t][g];
      const gap = Math.abs(count[t][g] - f);
      if (gap > maxGap) maxGap = gap;
      if (gap >= 1 - 1e-9) outOfBand++;
    }
  }
  const allProblems = [...problems];
  if (outOfBand > 0) {
    allProblems.push({
      code: 'balance_infeasible',
      params: { cells: outOfBand, maxGap: Math.round(maxGap * 100) / 100 },
    });
  }
  return { fairShare: fairShareOut, counts: countsOut, maxGap, preferences, unplaced, problems: allProblems };
}

/** Builds the report of any assignment (person id -> group id) of `input`, e.g. a baseline's. */
export function evaluateAssignment(input: AssignmentInput, assignments: Map<number, number | null>): AssignmentReport {
  const plan = planSeats(input);
  const index = new Map<number, number>(plan.groupIds.map((id, i) => [id, i]));
  const groupOf = new Int32Array(plan.people.length).fill(-1);
  plan.people.forEach((p, i) => {
    const gid = assignments.get(p.id);
    if (gid !== undefined && gid !== null && index.has(gid)) groupOf[i] = index.get(gid)!;
  });
  return makeReport(plan, groupOf, plan.problems);
}

// ---------------------------------------------------------------------------------------------------------
// Min-cost flow with lexicographic cost triples (balance, preference, rounding): primal-dual, i.e. Dijkstra
// with potentials, then Dinic blocking flows on the arcs of zero reduced cost.
// ---------------------------------------------------------------------------------------------------------

class FlowNetwork {
  private arcs = 0;
  private to: Int32Array;
  private cap: Int32Array;
  /** Cost components, compared lexicographically: c0 first. */
  private c0: Float64Array;
  private c1: Float64Array;
  private c2: Float64Array;

  constructor(
    readonly nodes: number,
    edgeHint: number,
  ) {
    const size = Math.max(16, 2 * edgeHint);
    this.to = new Int32Array(size);
    this.cap = new Int32Array(size);
    this.c0 = new Float64Array(size);
    this.c1 = new Float64Array(size);
    this.c2 = new Float64Array(size);
  }

  private grow(): void {
    const size = this.to.length * 2;
    const int = (a: Int32Array) => {
      const b = new Int32Array(size);
      b.set(a);
      return b;
    };
    const float = (a: Float64Array) => {
      const b = new Float64Array(size);
      b.set(a);
      return b;
    };
    this.to = int(this.to);
    this.cap = int(this.cap);
    this.c0 = float(this.c0);
    this.c1 = float(this.c1);
    this.c2 = float(this.c2);
  }

  /** Adds u -> v and returns its index; the residual reverse arc is index ^ 1; flow(e) = residual cap of e ^ 1. */
  addEdge(u: number, v: number, cap: number, cost0: number, cost1: number, cost2: number): number {
    if (this.arcs + 2 > this.to.length) this.grow();
    const e = this.arcs;
    this.arcs += 2;
    this.to[e] = v;
    this.to[e + 1] = u;
    this.cap[e] = cap;
    this.cap[e + 1] = 0;
    this.c0[e] = cost0;
    this.c0[e + 1] = -cost0;
    this.c1[e] = cost1;
    this.c1[e + 1] = -cost1;
    this.c2[e] = cost2;
    this.c2[e + 1] = -cost2;
    return e;
  }

  flow(e: number): number {
    return this.cap[e ^ 1];
  }

  /**
   * Sends up to `need` units from s to t at minimum cost; returns the flow sent. Needs every arc cost to be
   * lexicographically >= 0 at the start (no negative cycle). All costs are integers below 2^53, so the
   * reduced-cost arithmetic is exact.
   */
  solve(s: number, t: number, need: number): number {
    const n = this.nodes;
    const arcs = this.arcs;

    // Compressed layout: the arcs leaving node u are start[u] .. start[u + 1] - 1 (cache-friendly scans);
    // at[e] is where the arc numbered e by addEdge lives, rev[k] the position of k's residual twin.
    const start = new Int32Array(n + 1);
    for (let e = 0; e < arcs; e++) start[this.to[e ^ 1] + 1]++;
    for (let u = 0; u < n; u++) start[u + 1] += start[u];
    const at = new Int32Array(arcs);
    const fill = start.slice(0, n);
    for (let e = 0; e < arcs; e++) at[e] = fill[this.to[e ^ 1]]++;
    const to = new Int32Array(arcs);
    const from = new Int32Array(arcs);
    const rev = new Int32Array(arcs);
    const cap = new Int32Array(arcs);
    const c0 = new Float64Array(arcs);
    const c1 = new Float64Array(arcs);
    const c2 = new Float64Array(arcs);
    for (let e = 0; e < arcs; e++) {
      const k = at[e];
      to[k] = this.to[e];
      from[k] = this.to[e ^ 1];
      rev[k] = at[e ^ 1];
      cap[k] = this.cap[e];
      c0[k] = this.c0[e];
      c1[k] = this.c1[e];
      c2[k] = this.c2[e];
    }

    const p0 = new Float64Array(n);
    const p1 = new Float64Array(n);
    const p2 = new Float64Array(n);
    const d0 = new Float64Array(n);
    const d1 = new Float64Array(n);
    const d2 = new Float64Array(n);
    const done = new Uint8Array(n);
    const level = new Int32Array(n);
    const iter = new Int32Array(n);
    const queue = new Int32Array(n);
    const pathE = new Int32Array(n + 1);
    // zero[k] = 1 when arc k has zero reduced cost in the current phase (then so has its twin, so augmenting
    // inside a phase never changes it).
    const zero = new Uint8Array(arcs);
    // intoT[v]: position of an arc v -> t (at most one per node here), -1 if none.
    const intoT = new Int32Array(n).fill(-1);
    for (let k = 0; k < arcs; k++) if (to[k] === t) intoT[from[k]] = k;
    const heap = new TripleHeap(n);
    let flow = 0;

    while (flow < need) {
      // Dijkstra on reduced costs (all lexicographically >= 0).
      d0.fill(Infinity);
      done.fill(0);
      d0[s] = 0;
      d1[s] = 0;
      d2[s] = 0;
      heap.clear();
      heap.push(s, 0, 0, 0);
      while (heap.size > 0) {
        const u = heap.pop();
        if (done[u]) continue;
        done[u] = 1;
        // Nodes not settled yet are at least as far as t: their potential moves by d(t), which is all we need.
        if (u === t) break;
        const u0 = d0[u] + p0[u];
        const u1 = d1[u] + p1[u];
        const u2 = d2[u] + p2[u];
        for (let e = start[u], end = start[u + 1]; e < end; e++) {
          if (cap[e] <= 0) continue;
          const v = to[e];
          if (done[v]) continue;
          const n0 = u0 + c0[e] - p0[v];
          if (n0 > d0[v]) continue;
          const n1 = u1 + c1[e] - p1[v];
          const n2 = u2 + c2[e] - p2[v];
          if (n0 < d0[v] || n1 < d1[v] || (n1 === d1[v] && n2 < d2[v])) {
            d0[v] = n0;
            d1[v] = n1;
            d2[v] = n2;
            heap.push(v, n0, n1, n2);
          }
        }
      }
      if (!done[t]) break;
      const t0 = d0[t];
      const t1 = d1[t];
      const t2 = d2[t];
      for (let v = 0; v < n; v++) {
        if (done[v] && (d0[v] < t0 || (d0[v] === t0 && (d1[v] < t1 || (d1[v] === t1 && d2[v] < t2))))) {
          p0[v] += d0[v];
          p1[v] += d1[v];
          p2[v] += d2[v];
        } else {
          p0[v] += t0;
          p1[v] += t1;
          p2[v] += t2;
        }
      }
      for (let e = 0; e < arcs; e++) {
        const u = from[e];
        const v = to[e];
        zero[e] = c0[e] + p0[u] - p0[v] === 0 && c1[e] + p1[u] - p1[v] === 0 && c2[e] + p2[u] - p2[v] === 0 ? 1 : 0;
      }

      // Dinic (max-flow by blocking flows) on the admissible arcs: residual capacity and zero reduced cost.
      for (;;) {
        level.fill(-1);
        level[s] = 0;
        let qh = 0;
        let qt = 0;
        queue[qt++] = s;
        while (qh < qt) {
          const u = queue[qh++];
          // Once t's level L is known, nodes at level L - 1 need no scan: their only useful arc goes to t.
          if (level[t] >= 0 && level[u] >= level[t] - 1) break;
          for (let e = start[u], end = start[u + 1]; e < end; e++) {
            const v = to[e];
            if (level[v] < 0 && cap[e] > 0 && zero[e] === 1) {
              level[v] = level[u] + 1;
              queue[qt++] = v;
              const k = intoT[v];
              if (level[t] < 0 && k >= 0 && cap[k] > 0 && zero[k] === 1) level[t] = level[v] + 1;
            }
          }
        }
        if (level[t] < 0) break;
        iter.set(start.subarray(0, n));
        // Iterative DFS along level-increasing admissible arcs; after each push, resume from the tail of the
        // first arc it saturated.
        let depth = 0;
        let u = s;
        while (flow < need) {
          if (u === t) {
            let b = need - flow;
            for (let i = 0; i < depth; i++) b = Math.min(b, cap[pathE[i]]);
            let cut = -1;
            for (let i = 0; i < depth; i++) {
              const e = pathE[i];
              cap[e] -= b;
              cap[rev[e]] += b;
              if (cap[e] === 0 && cut < 0) cut = i;
            }
            flow += b;
            if (cut < 0) break; // only when the demand is met
            depth = cut;
            u = from[pathE[cut]];
            continue;
          }
          const end = start[u + 1];
          let e = iter[u];
          while (e < end && !(cap[e] > 0 && zero[e] === 1 && level[to[e]] === level[u] + 1)) e++;
          iter[u] = e;
          if (e < end) {
            pathE[depth++] = e;
            u = to[e];
          } else {
            level[u] = -1; // dead end
            if (depth === 0) break;
            u = from[pathE[--depth]];
            iter[u]++;
          }
        }
        if (flow >= need) break;
      }
    }
    for (let e = 0; e < arcs; e++) this.cap[e] = cap[at[e]];
    return flow;
  }
}

/** Binary min-heap of nodes keyed by lexicographic triples, lazy deletion. */
class TripleHeap {
  private node: Int32Array;
  private k0: Float64Array;
  private k1: Float64Array;
  private k2: Float64Array;
  size = 0;

  constructor(capacity: number) {
    const size = Math.max(16, capacity);
    this.node = new Int32Array(size);
    this.k0 = new Float64Array(size);
    this.k1 = new Float64Array(size);
    this.k2 = new Float64Array(size);
  }

  clear(): void {
    this.size = 0;
  }

  private less(i: number, j: number): boolean {
    const { k0, k1, k2 } = this;
    return k0[i] < k0[j] || (k0[i] === k0[j] && (k1[i] < k1[j] || (k1[i] === k1[j] && k2[i] < k2[j])));
  }

  private move(from: number, to: number): void {
    this.node[to] = this.node[from];
    this.k0[to] = this.k0[from];
    this.k1[to] = this.k1[from];
    this.k2[to] = this.k2[from];
  }

  private swap(i: number, j: number): void {
    const last = this.node.length - 1; // spare slot
    this.move(i, last);
    this.move(j, i);
    this.move(last, j);
  }

  push(v: number, a: number, b: number, c: number): void {
    if (this.size + 1 >= this.node.length) {
      const size = this.node.length * 2;
      const nodes = new Int32Array(size);
      nodes.set(this.node);
      this.node = nodes;
      const grow = (x: Float64Array) => {
        const y = new Float64Array(size);
        y.set(x);
        return y;
      };
      this.k0 = grow(this.k0);
      this.k1 = grow(this.k1);
      this.k2 = grow(this.k2);
    }
    let i = this.size++;
    this.node[i] = v;
    this.k0[i] = a;
    this.k1[i] = b;
    this.k2[i] = c;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  pop(): number {
    const top = this.node[0];
    this.size--;
    if (this.size > 0) {
      this.move(this.size, 0);
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < this.size && this.less(l, m)) m = l;
        if (r < this.size && this.less(r, m)) m = r;
        if (m === i) break;
        this.swap(i, m);
        i = m;
      }
    }
    return top;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Preference costs
// ---------------------------------------------------------------------------------------------------------

interface PreferenceCosts {
  /** Cost of being placed at 0-based rank r of one's list. */
  rank(r: number): number;
  unranked: number;
}

/**
 * Costs whose sum orders assignments lexicographically by (first choices, second choices, other ranked
 * choices, sum of ranks beyond the second), for up to n movable people.
 */
function preferenceCosts(n: number, longest: number): PreferenceCosts {
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

// ---------------------------------------------------------------------------------------------------------
// Assignment
// ---------------------------------------------------------------------------------------------------------

/** Quantisation of the rounding tie-break, and the number of people to place up to which it is applied. */
const ROUNDING_STEPS = 1;
const ROUNDING_MAX_PEOPLE = 5000;

/** Balance cost of the unit that brings a (type, group) count to x: convex, minimal on [floor, ceil]. */
function balanceUnitCost(x: number, floor: number, ceil: number): number {
  if (x <= floor - 1) return 0;
  if (x === floor) return 2;
  if (x <= ceil) return 3;
  if (x === ceil + 1) return 4;
  return 6;
}

export function assignGroups(input: AssignmentInput): AssignmentResult {
  const plan = planSeats(input);
  const { people, types, groupIds, size, fairShare } = plan;
  const problems = [...plan.problems];
  const T = types.length;
  const G = groupIds.length;
  const P = people.length;

  const groupOf = new Int32Array(P).fill(-1);
  const fixedCell: number[][] = types.map(() => new Array<number>(G).fill(0));
  const fixedInGroup = new Array<number>(G).fill(0);
  const freeByType: number[][] = types.map(() => []);
  people.forEach((p, i) => {
    if (p.fixedGroup >= 0) {
      groupOf[i] = p.fixedGroup;
      fixedCell[p.type][p.fixedGroup]++;
      fixedInGroup[p.fixedGroup]++;
    } else if (p.placed) {
      freeByType[p.type].push(i);
    }
  });

  const floorOf = (t: number, g: number) => Math.floor(fairShare[t][g] + 1e-9);
  const ceilOf = (t: number, g: number) => Math.ceil(fairShare[t][g] - 1e-9);
  for (let t = 0; t < T; t++) {
    for (let g = 0; g < G; g++) {
      if (fixedCell[t][g] > ceilOf(t, g)) {
        problems.push({
          code: 'locked_over_fair_share',
          params: {
            type: types[t],
            group: groupIds[g],
            locked: fixedCell[t][g],
            fairShare: Math.round(fairShare[t][g] * 100) / 100,
          },
        });
      }
    }
  }

  const room = size.map((s, g) => s - fixedInGroup[g]);
  const M = size.reduce((a, b) => a + b, 0);
  const freeCount = freeByType.reduce((a, l) => a + l.length, 0);
  const longest = people.reduce((m, p) => Math.max(m, p.prefs.length), 0);
  const costs = preferenceCosts(freeCount, longest);
  const personCost = (i: number, g: number) => {
    const r = people[i].prefs.indexOf(g);
    return r < 0 ? costs.unranked : costs.rank(r);
  };

  if (freeCount > 0) {
    // Buckets: people of one type with the same ranked list are interchangeable.
    const bucketKey = new Map<string, number>();
    const buckets: { type: number; prefs: number[]; members: number[] }[] = [];
    for (let t = 0; t < T; t++) {
      for (const i of freeByType[t]) {
        const key = `${t}|${people[i].prefs.join(',')}`;
        let b = bucketKey.get(key);
        if (b === undefined) {
          b = buckets.length;
          bucketKey.set(key, b);
          buckets.push({ type: t, prefs: people[i].prefs, members: [] });
        }
        buckets[b].members.push(i);
      }
    }

    const activeGroups: number[] = [];
    for (let g = 0; g < G; g++) if (room[g] > 0) activeGroups.push(g);
    const activeTypes: number[] = [];
    for (let t = 0; t < T; t++) if (freeByType[t].length > 0) activeTypes.push(t);

    // Node numbering.
    const S = 0;
    const SINK = 1;
    const bucketNode = (b: number) => 2 + b;
    const hubBase = 2 + buckets.length;
    const hubNode = new Int32Array(T).fill(-1);
    activeTypes.forEach((t, k) => (hubNode[t] = hubBase + k));
    const cellBase = hubBase + activeTypes.length;
    const cellNode = (t: number, g: number) => cellBase + t * G + g;
    const groupBase = cellBase + T * G;
    const arcHint =
      buckets.reduce((a, b) => a + 3 + b.prefs.length, 0) + activeTypes.length * activeGroups.length * 6 + G;
    const network = new FlowNetwork(groupBase + G, arcHint);

    const directEdges: { bucket: number; group: number; edge: number }[] = [];
    const hubEdges: { bucket: number; edge: number }[] = [];
    buckets.forEach((bucket, b) => {
      const n = bucket.members.length;
      network.addEdge(S, bucketNode(b), n, 0, 0, 0);
      bucket.prefs.forEach((g, r) => {
        if (room[g] > 0)
          directEdges.push({
            bucket: b,
            group: g,
            edge: network.addEdge(bucketNode(b), cellNode(bucket.type, g), n, 0, costs.rank(r), 0),
          });
      });
      hubEdges.push({ bucket: b, edge: network.addEdge(bucketNode(b), hubNode[bucket.type], n, 0, costs.unranked, 0) });
    });
    const hubToCell: { type: number; group: number; edge: number }[] = [];
    for (const t of activeTypes) {
      for (const g of activeGroups) {
        const cap = Math.min(freeByType[t].length, room[g]);
        hubToCell.push({ type: t, group: g, edge: network.addEdge(hubNode[t], cellNode(t, g), cap, 0, 0, 0) });
        // Cell -> group in convex balance tiers, for the free units k = 1..cap (count x = fixed + k). The
        // in-band unit (x = ceil > floor) also carries a rounding tie-break, 1 - 2 * fractional part quantised to
        // ROUNDING_STEPS levels: minimising its sum prefers roundings close to the nearest integer, i.e. a small
        // sum of squared gaps (the exact weight would multiply the number of primal-dual phases).
        const fl = floorOf(t, g);
        const cl = ceilOf(t, g);
        const roundUp =
          freeCount <= ROUNDING_MAX_PEOPLE
            ? Math.round((ROUNDING_STEPS * (M - 2 * ((plan.placedPerType[t] * size[g]) % M))) / M)
            : 0;
        let k = 1;
        while (k <= cap) {
          const c = balanceUnitCost(fixedCell[t][g] + k, fl, cl);
          let end = k;
          while (end + 1 <= cap && balanceUnitCost(fixedCell[t][g] + end + 1, fl, cl) === c) end++;
          network.addEdge(cellNode(t, g), groupBase + g, end - k + 1, c, 0, c === 3 ? roundUp : 0);
          k = end + 1;
        }
      }
    }
    for (const g of activeGroups) network.addEdge(groupBase + g, SINK, room[g], 0, 0, 0);

    const sent = network.solve(S, SINK, freeCount);
    if (sent !== freeCount) throw new Error(`assignGroups: internal error, placed ${sent} of ${freeCount}`);

    // Where the flow put each bucket: direct arcs give ranked groups; a type's hub flow is a pool of "any other
    // group" units shared by the type's buckets. Any split of that pool is optimal: a bucket receiving a unit in a
    // group it ranked would mean that routing the unit directly was cheaper, contradicting optimality.
    const direct: number[][] = buckets.map(() => []);
    for (const { bucket, group, edge } of directEdges)
      for (let k = network.flow(edge); k > 0; k--) direct[bucket].push(group);
    const hubDemand = new Int32Array(buckets.length);
    for (const { bucket, edge } of hubEdges) hubDemand[bucket] = network.flow(edge);
    const pool: Int32Array[] = types.map(() => new Int32Array(G));
    for (const { type, group, edge } of hubToCell) pool[type][group] += network.flow(edge);

    // Organisations that can collide: two or more seated people. Others are ignored from here on.
    const seatedPerOrg = new Map<number, number>();
    people.forEach((p) => {
      if (p.placed && p.org >= 0) seatedPerOrg.set(p.org, (seatedPerOrg.get(p.org) ?? 0) + 1);
    });
    const orgOf = new Int32Array(P).fill(-1);
    const compact = new Map<number, number>();
    people.forEach((p, i) => {
      if (!p.placed || p.org < 0 || seatedPerOrg.get(p.org)! < 2) return;
      let o = compact.get(p.org);
      if (o === undefined) compact.set(p.org, (o = compact.size));
      orgOf[i] = o;
    });
    const orgs = new OrgCounter(compact.size, G);
    people.forEach((p, i) => {
      if (p.fixedGroup >= 0) orgs.add(orgOf[i], p.fixedGroup, 1);
    });

    // Deal the units to the bucket's members, lowest id first, each to the group where its organisation is rarest
    // (ties: ranked groups first, then lowest group).
    buckets.forEach((bucket, b) => {
      const mine = direct[b];
      const left = pool[bucket.type];
      for (const i of bucket.members) {
        const org = orgOf[i];
        let best = -1;
        let bestCount = Infinity;
        let fromPool = false;
        for (let k = 0; k < mine.length; k++) {
          const c = orgs.get(org, mine[k]);
          if (c < bestCount) {
            best = k;
            bestCount = c;
          }
        }
        if (hubDemand[b] > 0 && bestCount > 0) {
          for (let g = 0; g < G; g++) {
            if (left[g] === 0) continue;
            const c = orgs.get(org, g);
            if (c < bestCount) {
              best = g;
              bestCount = c;
              fromPool = true;
              if (c === 0) break;
            }
          }
        }
        let g: number;
        if (fromPool) {
          g = best;
          left[g]--;
          hubDemand[b]--;
        } else {
          g = mine[best];
          mine.splice(best, 1);
        }
        groupOf[i] = g;
        orgs.add(org, g, 1);
      }
    });

    spreadOrganisations(people, groupOf, orgOf, freeByType, G, personCost, costs.unranked, orgs);
  }

  const assignments = new Map<number, number | null>();
  people.forEach((p, i) => assignments.set(p.id, groupOf[i] >= 0 ? groupIds[groupOf[i]] : null));
  return { assignments, report: makeReport(plan, groupOf, problems) };
}

/** Seated people per (organisation, group), for organisations of 2+ seated people (index -1 = not tracked). */
class OrgCounter {
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

/**
 * Local search: swap two free people of the same type in different groups when the swap keeps the multiset of
 * their preference costs (so every preference count and every balance count is unchanged) and lowers the number
 * of same-organisation pairs inside groups. First improvement, in id order, at most a few passes.
 */
function spreadOrganisations(
  people: PlannedPerson[],
  groupOf: Int32Array,
  orgOf: Int32Array,
  freeByType: number[][],
  G: number,
  personCost: (i: number, g: number) => number,
  unranked: number,
  orgs: OrgCounter,
): void {
  const T = freeByType.length;
  // lists[2 * (t * G + g) + u]: free people of type t in group g, placed in a group they ranked (u = 0) or not
  // (u = 1). A swap in which a would be unranked in its new group keeps the costs only with an unranked partner,
  // which makes the search short in the usual case. pos[i]: index of person i in its list.
  const lists: number[][] = Array.from({ length: 2 * T * G }, () => []);
  const pos = new Int32Array(people.length);
  const costNow = new Float64Array(people.length);
  const listOf = (i: number) => lists[2 * (people[i].type * G + groupOf[i]) + (costNow[i] === unranked ? 1 : 0)];
  const insert = (i: number) => {
    const list = listOf(i);
    pos[i] = list.length;
    list.push(i);
  };
  const remove = (i: number) => {
    const list = listOf(i);
    const last = list.pop()!;
    if (last !== i) {
      list[pos[i]] = last;
      pos[last] = pos[i];
    }
  };
  const free = freeByType.flat().sort((a, b) => a - b);
  for (const i of free) {
    costNow[i] = personCost(i, groupOf[i]);
    insert(i);
  }
  for (let pass = 0; pass < 4; pass++) {
    let improved = false;
    for (const a of free) {
      const oa = orgOf[a];
      if (oa < 0) continue;
      const g1 = groupOf[a];
      const c1 = orgs.get(oa, g1);
      if (c1 < 2) continue;
      const t = people[a].type;
      const ca1 = costNow[a];
      search: for (let g2 = 0; g2 < G; g2++) {
        if (g2 === g1) continue;
        const da = orgs.get(oa, g2) - (c1 - 1);
        if (da >= 0) continue;
        const ca2 = personCost(a, g2);
        // {ca1, cb2} = {ca2, cb1} with ca2 unranked forces cb2 unranked.
        for (let u = ca2 === unranked ? 1 : 0; u < 2; u++) {
          const list2 = lists[2 * (t * G + g2) + u];
          for (let k = 0; k < list2.length; k++) {
            const b = list2[k];
            const ob = orgOf[b];
            if (ob === oa) continue;
            const db = ob < 0 ? 0 : orgs.get(ob, g1) - (orgs.get(ob, g2) - 1);
            if (da + db >= 0) continue;
            const cb2 = costNow[b];
            const cb1 = personCost(b, g1);
            // The swap must keep the multiset of costs: {ca1, cb2} = {ca2, cb1}.
            if (!((ca1 === ca2 && cb1 === cb2) || (ca1 === cb1 && cb2 === ca2))) continue;
            remove(a);
            remove(b);
            groupOf[a] = g2;
            groupOf[b] = g1;
            costNow[a] = ca2;
            costNow[b] = cb1;
            insert(a);
            insert(b);
            orgs.add(oa, g1, -1);
            orgs.add(oa, g2, 1);
            orgs.add(ob, g2, -1);
            orgs.add(ob, g1, 1);
            improved = true;
            break search;
          }
        }
      }
    }
    if (!improved) break;
  }
}
