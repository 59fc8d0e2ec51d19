/**
 * Breakout-group assignment: pure functions, no I/O. What assignGroups guarantees, and how: see assign.ts.
 *
 * types.ts              input, result and report; the seat plan shared by the steps
 * seats.ts              planSeats: who is fixed, who gets a seat, target sizes, fair shares
 * assign.ts             assignGroups: the entry point
 * network.ts            the assignment as a min-cost flow network (buckets, types, cells, groups)
 * preference-costs.ts   costs that make preferences lexicographic
 * flow-network.ts       FlowNetwork: arcs and solve (min-cost flow with lexicographic cost triples)
 * primal-dual.ts        the phases of solve: Dijkstra with potentials, Dinic on zero-reduced-cost arcs
 * triple-heap.ts        the heap of Dijkstra
 * organisations.ts      spreading organisations over groups, last
 * report.ts             the report of any assignment (evaluateAssignment, e.g. for baselines)
 */
export { assignGroups } from './assign.js';
export { evaluateAssignment } from './report.js';
export { planSeats } from './seats.js';
export type {
  AssignmentGroup,
  AssignmentInput,
  AssignmentPerson,
  AssignmentProblem,
  AssignmentReport,
  AssignmentResult,
  PlannedPerson,
  SeatPlan,
} from './types.js';
