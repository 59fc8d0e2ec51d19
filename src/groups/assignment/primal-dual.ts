/**
 * The phases of the primal-dual min-cost flow on a residual graph. Each phase: shortest paths by reduced cost
 * (Dijkstra with potentials), new potentials, then a max-flow (Dinic) on the arcs whose reduced cost is zero.
 */
import { TripleHeap } from './triple-heap.js';

/** FlowNetwork's arcs in compressed layout: the arcs leaving u are start[u] .. start[u + 1] - 1. */
export interface ResidualGraph {
  nodes: number;
  arcs: number;
  start: Int32Array;
  /** at[e]: position of the arc numbered e by FlowNetwork.addEdge. */
  at: Int32Array;
  to: Int32Array;
  from: Int32Array;
  /** rev[k]: position of the residual twin of arc k. */
  rev: Int32Array;
  /** Residual capacities. */
  cap: Int32Array;
  /** Cost components, compared lexicographically: c0 first. */
  c0: Float64Array;
  c1: Float64Array;
  c2: Float64Array;
}

/** The state of the primal-dual phases on one residual graph: potentials, distances, Dinic levels. */
export class PrimalDual {
  private readonly p0: Float64Array;
  private readonly p1: Float64Array;
  private readonly p2: Float64Array;
  private readonly d0: Float64Array;
  private readonly d1: Float64Array;
  private readonly d2: Float64Array;
  private readonly done: Uint8Array;
  private readonly heap: TripleHeap;
  /**
   * zero[k] = 1 when arc k has zero reduced cost in the current phase (then so has its twin, so augmenting
   * inside a phase never changes it).
   */
  private readonly zero: Uint8Array;
  private readonly level: Int32Array;
  private readonly iter: Int32Array;
  private readonly queue: Int32Array;
  private readonly pathE: Int32Array;
  /** intoT[v]: position of an arc v -> t (at most one per node here), -1 if none. */
  private readonly intoT: Int32Array;

  constructor(
    private readonly graph: ResidualGraph,
    private readonly s: number,
    private readonly t: number,
  ) {
    const n = graph.nodes;
    this.p0 = new Float64Array(n);
    this.p1 = new Float64Array(n);
    this.p2 = new Float64Array(n);
    this.d0 = new Float64Array(n);
    this.d1 = new Float64Array(n);
    this.d2 = new Float64Array(n);
    this.done = new Uint8Array(n);
    this.level = new Int32Array(n);
    this.iter = new Int32Array(n);
    this.queue = new Int32Array(n);
    this.pathE = new Int32Array(n + 1);
    this.zero = new Uint8Array(graph.arcs);
    this.intoT = new Int32Array(n).fill(-1);
    for (let k = 0; k < graph.arcs; k++) if (graph.to[k] === t) this.intoT[graph.from[k]] = k;
    this.heap = new TripleHeap(n);
  }

  /** Dijkstra on reduced costs (all lexicographically >= 0); false when t cannot be reached any more. */
  findShortestPaths(): boolean {
    const { s, t, d0, d1, d2, done, heap } = this;
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
      this.relaxArcsFrom(u);
    }
    return done[t] === 1;
  }

  private relaxArcsFrom(u: number): void {
    const { start, to, cap, c0, c1, c2 } = this.graph;
    const { p0, p1, p2, d0, d1, d2, done, heap } = this;
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

  /** Each node settled closer than t moves by its distance, every other node by d(t). */
  updatePotentials(): void {
    const { t, p0, p1, p2, d0, d1, d2, done } = this;
    const t0 = d0[t];
    const t1 = d1[t];
    const t2 = d2[t];
    for (let v = 0; v < this.graph.nodes; v++) {
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
  }

  markZeroReducedCostArcs(): void {
    const { arcs, from, to, c0, c1, c2 } = this.graph;
    const { p0, p1, p2, zero } = this;
    for (let e = 0; e < arcs; e++) {
      const u = from[e];
      const v = to[e];
      zero[e] = c0[e] + p0[u] - p0[v] === 0 && c1[e] + p1[u] - p1[v] === 0 && c2[e] + p2[u] - p2[v] === 0 ? 1 : 0;
    }
  }

  /** Dinic (max-flow by blocking flows) on the admissible arcs: residual capacity and zero reduced cost. */
  maxFlowOnAdmissibleArcs(limit: number): number {
    let sent = 0;
    while (sent < limit && this.levelNodes()) sent += this.pushBlockingFlow(limit - sent);
    return sent;
  }

  /** BFS levels from s over admissible arcs; false when t is not reached. */
  private levelNodes(): boolean {
    const { start, to, cap } = this.graph;
    const { s, t, level, queue, zero, intoT } = this;
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
    return level[t] >= 0;
  }

  /**
   * Iterative DFS along level-increasing admissible arcs, pushing up to `limit` units; after each push it
   * resumes from the tail of the first arc that push saturated. Returns the units pushed.
   */
  private pushBlockingFlow(limit: number): number {
    const { start, to, from } = this.graph;
    const { s, t, level, iter, pathE } = this;
    iter.set(start.subarray(0, this.graph.nodes));
    let pushed = 0;
    let depth = 0;
    let u = s;
    while (pushed < limit) {
      if (u === t) {
        const amount = this.bottleneck(depth, limit - pushed);
        const cut = this.augment(depth, amount);
        pushed += amount;
        if (cut < 0) break; // only when the limit is met
        depth = cut;
        u = from[pathE[cut]];
        continue;
      }
      const e = this.nextAdmissibleArc(u);
      if (e >= 0) {
        pathE[depth++] = e;
        u = to[e];
      } else {
        level[u] = -1; // dead end
        if (depth === 0) break;
        u = from[pathE[--depth]];
        iter[u]++;
      }
    }
    return pushed;
  }

  /** The first arc out of u, from iter[u] on, that is admissible and goes one level down; -1 if none. */
  private nextAdmissibleArc(u: number): number {
    const { start, to, cap } = this.graph;
    const { level, iter, zero } = this;
    const end = start[u + 1];
    let e = iter[u];
    while (e < end && !(cap[e] > 0 && zero[e] === 1 && level[to[e]] === level[u] + 1)) e++;
    iter[u] = e;
    return e < end ? e : -1;
  }

  private bottleneck(depth: number, limit: number): number {
    const { cap } = this.graph;
    let b = limit;
    for (let i = 0; i < depth; i++) b = Math.min(b, cap[this.pathE[i]]);
    return b;
  }

  /** Pushes `amount` along the current path; returns the depth of the first arc it saturated, -1 if none. */
  private augment(depth: number, amount: number): number {
    const { cap, rev } = this.graph;
    let cut = -1;
    for (let i = 0; i < depth; i++) {
      const e = this.pathE[i];
      cap[e] -= amount;
      cap[rev[e]] += amount;
      if (cap[e] === 0 && cut < 0) cut = i;
    }
    return cut;
  }
}
