/**
 * The assignment as one min-cost flow: source -> bucket (people of one type with the same ranked list) ->
 * (type, group) cell [directly for ranked groups; through the type's hub for "any other group"] -> group -> sink.
 * Each cell -> group link is split into convex balance tiers around [floor, ceil] of the cell's fair share.
 */
import { FlowNetwork } from './flow-network.js';
import type { PreferenceCosts } from './preference-costs.js';
import type { PlannedPerson, SeatPlan } from './types.js';

/** Where things stand once the fixed people are seated: who is left to place, and the room left. */
export interface Seating {
  /** groupOf[i]: group index of plan.people[i], -1 while unplaced. */
  groupOf: Int32Array;
  /** fixedCell[t][g]: fixed people of type t in group g; fixedSideCell[s][g], of side s. */
  fixedCell: number[][];
  fixedSideCell: number[][];
  /** Per group: target size minus its fixed people. */
  room: number[];
  /** Indexes (into plan.people) of the seated people who are not fixed, per type, ascending. */
  freeByType: number[][];
  /** Free seated people per side. */
  freePerSide: number[];
  freeCount: number;
}

/** Free people of one type with the same ranked list: interchangeable for the flow. */
export interface Bucket {
  type: number;
  prefs: number[];
  /** Indexes into plan.people, ascending. */
  members: number[];
}

/** What the optimal flow gives each bucket. */
export interface FlowUnits {
  buckets: Bucket[];
  /** direct[b]: a group index per member of bucket b placed in a group it ranked. */
  direct: number[][];
  /** hubDemand[b]: members of bucket b placed in a group they did not rank. */
  hubDemand: Int32Array;
  /** pool[t][g]: units of type t in group g, taken through the type's hub, shared by the type's buckets. */
  pool: Int32Array[];
}

/** Quantisation of the rounding tie-break, and the number of people to place up to which it is applied. */
const ROUNDING_STEPS = 1;
const ROUNDING_MAX_PEOPLE = 5000;

/**
 * Side balance weighs twice a type's: when locks make both impossible, a group missing a side is worse than a
 * type off by one. Any positive weight keeps the guarantee (both levels in band is the only optimum when possible).
 */
const SIDE_WEIGHT = 2;

const SOURCE = 0;
const SINK = 1;

/**
 * Node numbers: source, sink, buckets, hubs of the types with free people, all (type, group) cells, all
 * (side, group) cells, groups.
 */
class NodeLayout {
  readonly nodes: number;
  private readonly hubBase: number;
  private readonly cellBase: number;
  private readonly sideCellBase: number;
  private readonly groupBase: number;
  private readonly hubOfType: Int32Array;

  constructor(
    buckets: number,
    activeTypes: number[],
    types: number,
    sides: number,
    private readonly groups: number,
  ) {
    this.hubBase = 2 + buckets;
    this.hubOfType = new Int32Array(types).fill(-1);
    activeTypes.forEach((t, k) => (this.hubOfType[t] = this.hubBase + k));
    this.cellBase = this.hubBase + activeTypes.length;
    this.sideCellBase = this.cellBase + types * groups;
    this.groupBase = this.sideCellBase + sides * groups;
    this.nodes = this.groupBase + groups;
  }

  bucket(b: number): number {
    return 2 + b;
  }

  hub(t: number): number {
    return this.hubOfType[t];
  }

  cell(t: number, g: number): number {
    return this.cellBase + t * this.groups + g;
  }

  sideCell(s: number, g: number): number {
    return this.sideCellBase + s * this.groups + g;
  }

  group(g: number): number {
    return this.groupBase + g;
  }
}

/** Builds and solves the network for the free people of `seating`; throws if some could not be placed. */
export function solveAssignmentFlow(plan: SeatPlan, seating: Seating, costs: PreferenceCosts): FlowUnits {
  const buckets = bucketsOf(plan.people, seating.freeByType);
  const builder = new NetworkBuilder(plan, seating, costs, buckets);
  const bucketArcs = buckets.map((bucket, b) => builder.addBucketArcs(bucket, b));
  const hubArcs = builder.linkTypesToGroups();
  builder.linkSidesToGroups();
  builder.linkGroupsToSink();
  const { network } = builder;
  const sent = network.solve(SOURCE, SINK, seating.freeCount);
  if (sent !== seating.freeCount) {
    throw new Error(`assignGroups: internal error, placed ${sent} of ${seating.freeCount}`);
  }
  return readUnits(network, buckets, bucketArcs, hubArcs, plan.types.length, plan.groupIds.length);
}

function bucketsOf(people: PlannedPerson[], freeByType: number[][]): Bucket[] {
  const bucketKey = new Map<string, number>();
  const buckets: Bucket[] = [];
  freeByType.forEach((free, t) => {
    for (const i of free) {
      const key = `${t}|${people[i].prefs.join(',')}`;
      let b = bucketKey.get(key);
      if (b === undefined) {
        b = buckets.length;
        bucketKey.set(key, b);
        buckets.push({ type: t, prefs: people[i].prefs, members: [] });
      }
      buckets[b].members.push(i);
    }
  });
  return buckets;
}

interface BucketArcs {
  /** Arcs to the cells of the ranked groups that have room. */
  direct: { group: number; edge: number }[];
  /** Arc to the type's hub ("any other group"). */
  hub: number;
}

interface CellArc {
  type: number;
  group: number;
  edge: number;
}

/** Adds the arcs layer by layer; the arc order fixes how ties are broken, hence the result. */
class NetworkBuilder {
  readonly network: FlowNetwork;
  private readonly layout: NodeLayout;
  /** Types with free people, and groups with room: the others get no arcs. */
  private readonly activeTypes: number[];
  private readonly activeGroups: number[];
  /** M: the number of people placed (fixed or not). */
  private readonly seated: number;

  constructor(
    private readonly plan: SeatPlan,
    private readonly seating: Seating,
    private readonly costs: PreferenceCosts,
    buckets: Bucket[],
  ) {
    const T = plan.types.length;
    const G = plan.groupIds.length;
    this.activeGroups = indexesWhere(G, (g) => seating.room[g] > 0);
    this.activeTypes = indexesWhere(T, (t) => seating.freeByType[t].length > 0);
    this.seated = plan.size.reduce((a, b) => a + b, 0);
    this.layout = new NodeLayout(buckets.length, this.activeTypes, T, plan.sides.length, G);
    const arcHint =
      buckets.reduce((a, b) => a + 3 + b.prefs.length, 0) + this.activeTypes.length * this.activeGroups.length * 6 + G;
    this.network = new FlowNetwork(this.layout.nodes, arcHint);
  }

  /** Source -> bucket, bucket -> cell of each ranked group with room, bucket -> its type's hub. */
  addBucketArcs(bucket: Bucket, b: number): BucketArcs {
    const { network, layout, costs } = this;
    const n = bucket.members.length;
    const node = layout.bucket(b);
    network.addEdge(SOURCE, node, n, 0, 0, 0);
    const direct: BucketArcs['direct'] = [];
    bucket.prefs.forEach((g, r) => {
      if (this.seating.room[g] <= 0) return;
      direct.push({ group: g, edge: network.addEdge(node, layout.cell(bucket.type, g), n, 0, costs.rank(r), 0) });
    });
    const hub = network.addEdge(node, layout.hub(bucket.type), n, 0, costs.unranked, 0);
    return { direct, hub };
  }

  /** For every active type t and group g: hub of t -> cell (t, g) -> g. Returns the hub -> cell arcs. */
  linkTypesToGroups(): CellArc[] {
    const hubArcs: CellArc[] = [];
    for (const t of this.activeTypes) {
      for (const g of this.activeGroups) hubArcs.push({ type: t, group: g, edge: this.linkTypeToGroup(t, g) });
    }
    return hubArcs;
  }

  /** The cell -> side cell link is in balance tiers; returns the hub -> cell arc. */
  private linkTypeToGroup(t: number, g: number): number {
    const { network, layout, seating, plan } = this;
    const cap = Math.min(seating.freeByType[t].length, seating.room[g]);
    const edge = network.addEdge(layout.hub(t), layout.cell(t, g), cap, 0, 0, 0);
    const fixed = seating.fixedCell[t][g];
    const tieBreak = this.roundingTieBreak(t, g);
    const to = layout.sideCell(plan.classSide[t], g);
    addBalanceTiers(network, layout.cell(t, g), to, fixed, cap, plan.fairShare[t][g], tieBreak, 1);
    return edge;
  }

  /** For every side with free people and group with room: side cell (s, g) -> g, in side balance tiers. */
  linkSidesToGroups(): void {
    const { network, layout, seating, plan } = this;
    plan.sides.forEach((_, s) => {
      if (seating.freePerSide[s] === 0) return;
      for (const g of this.activeGroups) {
        const cap = Math.min(seating.freePerSide[s], seating.room[g]);
        const fixed = seating.fixedSideCell[s][g];
        const share = plan.sideFairShare[s][g];
        addBalanceTiers(network, layout.sideCell(s, g), layout.group(g), fixed, cap, share, 0, SIDE_WEIGHT);
      }
    });
  }

  linkGroupsToSink(): void {
    for (const g of this.activeGroups) this.network.addEdge(this.layout.group(g), SINK, this.seating.room[g], 0, 0, 0);
  }

  /**
   * 1 - 2 * (fractional part of the fair share), quantised to ROUNDING_STEPS levels: minimising its sum prefers
   * roundings close to the nearest integer, i.e. a small sum of squared gaps (the exact weight would multiply
   * the number of primal-dual phases). Beyond ROUNDING_MAX_PEOPLE it costs ~70% more solver time for a
   * cosmetic gain.
   */
  private roundingTieBreak(t: number, g: number): number {
    if (this.seating.freeCount > ROUNDING_MAX_PEOPLE) return 0;
    const M = this.seated;
    return Math.round((ROUNDING_STEPS * (M - 2 * ((this.plan.placedPerType[t] * this.plan.size[g]) % M))) / M);
  }
}

function indexesWhere(n: number, keep: (i: number) => boolean): number[] {
  const kept: number[] = [];
  for (let i = 0; i < n; i++) if (keep(i)) kept.push(i);
  return kept;
}

/**
 * Arcs from -> to for the free units k = 1..cap on top of `fixed` (count x = fixed + k), one arc per run of
 * units with the same balance cost. The in-band unit (x = ceil > floor) also carries `inBandTieBreak`.
 */
function addBalanceTiers(
  network: FlowNetwork,
  from: number,
  to: number,
  fixed: number,
  cap: number,
  fairShare: number,
  inBandTieBreak: number,
  weight: number,
): void {
  const floor = Math.floor(fairShare + 1e-9);
  const ceil = Math.ceil(fairShare - 1e-9);
  let k = 1;
  while (k <= cap) {
    const c = balanceUnitCost(fixed + k, floor, ceil);
    let end = k;
    while (end + 1 <= cap && balanceUnitCost(fixed + end + 1, floor, ceil) === c) end++;
    network.addEdge(from, to, end - k + 1, c * weight, 0, c === 3 ? inBandTieBreak : 0);
    k = end + 1;
  }
}

/** Balance cost of the unit that brings a (type, group) count to x: convex, minimal on [floor, ceil]. */
function balanceUnitCost(x: number, floor: number, ceil: number): number {
  if (x <= floor - 1) return 0;
  if (x === floor) return 2;
  if (x <= ceil) return 3;
  if (x === ceil + 1) return 4;
  return 6;
}

/**
 * Where the flow put each bucket: direct arcs give ranked groups; a type's hub flow is a pool of "any other
 * group" units shared by the type's buckets. Any split of that pool is optimal: a bucket receiving a unit in a
 * group it ranked would mean that routing the unit directly was cheaper, contradicting optimality.
 */
function readUnits(
  network: FlowNetwork,
  buckets: Bucket[],
  bucketArcs: BucketArcs[],
  hubArcs: CellArc[],
  types: number,
  groups: number,
): FlowUnits {
  const direct: number[][] = buckets.map(() => []);
  const hubDemand = new Int32Array(buckets.length);
  bucketArcs.forEach((arcs, b) => {
    for (const { group, edge } of arcs.direct) for (let k = network.flow(edge); k > 0; k--) direct[b].push(group);
    hubDemand[b] = network.flow(arcs.hub);
  });
  const pool: Int32Array[] = Array.from({ length: types }, () => new Int32Array(groups));
  for (const { type, group, edge } of hubArcs) pool[type][group] += network.flow(edge);
  return { buckets, direct, hubDemand, pool };
}
