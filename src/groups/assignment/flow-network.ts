/**
 * Min-cost flow with lexicographic cost triples (here: balance, preference, rounding tie-break), solved by the
 * primal-dual method: Dijkstra with potentials, then Dinic blocking flows on the arcs of zero reduced cost.
 */
import { PrimalDual, type ResidualGraph } from './primal-dual.js';

export class FlowNetwork {
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
    const graph = this.residualGraph();
    const phases = new PrimalDual(graph, s, t);
    let flow = 0;
    while (flow < need) {
      if (!phases.findShortestPaths()) break;
      phases.updatePotentials();
      phases.markZeroReducedCostArcs();
      flow += phases.maxFlowOnAdmissibleArcs(need - flow);
    }
    this.keepResidualCapacities(graph);
    return flow;
  }

  /** So that flow(e) reads the solution. */
  private keepResidualCapacities(graph: ResidualGraph): void {
    for (let e = 0; e < this.arcs; e++) this.cap[e] = graph.cap[graph.at[e]];
  }

  /**
   * The arcs in compressed layout (see ResidualGraph): the arcs leaving a node are contiguous, which makes the
   * scans of the solver cache-friendly.
   */
  private residualGraph(): ResidualGraph {
    const n = this.nodes;
    const arcs = this.arcs;
    const start = new Int32Array(n + 1);
    for (let e = 0; e < arcs; e++) start[this.to[e ^ 1] + 1]++;
    for (let u = 0; u < n; u++) start[u + 1] += start[u];
    const at = new Int32Array(arcs);
    const fill = start.slice(0, n);
    for (let e = 0; e < arcs; e++) at[e] = fill[this.to[e ^ 1]]++;
    const graph: ResidualGraph = {
      nodes: n,
      arcs,
      start,
      at,
      to: new Int32Array(arcs),
      from: new Int32Array(arcs),
      rev: new Int32Array(arcs),
      cap: new Int32Array(arcs),
      c0: new Float64Array(arcs),
      c1: new Float64Array(arcs),
      c2: new Float64Array(arcs),
    };
    for (let e = 0; e < arcs; e++) {
      const k = at[e];
      graph.to[k] = this.to[e];
      graph.from[k] = this.to[e ^ 1];
      graph.rev[k] = at[e ^ 1];
      graph.cap[k] = this.cap[e];
      graph.c0[k] = this.c0[e];
      graph.c1[k] = this.c1[e];
      graph.c2[k] = this.c2[e];
    }
    return graph;
  }
}
