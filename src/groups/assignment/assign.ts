/**
 * assignGroups: breakout-group assignment, a pure function (no I/O).
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
import { type Seating, solveAssignmentFlow } from './network.js';
import { dealUnits, spreadOrganisations, trackOrganisations } from './organisations.js';
import { preferenceCosts } from './preference-costs.js';
import { makeReport } from './report.js';
import { planSeats } from './seats.js';
import type { AssignmentInput, AssignmentProblem, AssignmentResult, SeatPlan } from './types.js';

export function assignGroups(input: AssignmentInput): AssignmentResult {
  const plan = planSeats(input);
  const seating = seatFixedPeople(plan);
  const problems = [...plan.problems, ...fixedOverFairShare(plan, seating.fixedCell)];
  if (seating.freeCount > 0) seatFreePeople(plan, seating);
  return { assignments: assignmentsById(plan, seating.groupOf), report: makeReport(plan, seating.groupOf, problems) };
}

/** Fixed people take their group; the other seated people are listed per type for the flow. */
function seatFixedPeople(plan: SeatPlan): Seating {
  const G = plan.groupIds.length;
  const groupOf = new Int32Array(plan.people.length).fill(-1);
  const fixedCell: number[][] = plan.types.map(() => new Array<number>(G).fill(0));
  const fixedSideCell: number[][] = plan.sides.map(() => new Array<number>(G).fill(0));
  const fixedInGroup = new Array<number>(G).fill(0);
  const freeByType: number[][] = plan.types.map(() => []);
  const freePerSide = new Array<number>(plan.sides.length).fill(0);
  plan.people.forEach((p, i) => {
    if (p.fixedGroup >= 0) {
      groupOf[i] = p.fixedGroup;
      fixedCell[p.type][p.fixedGroup]++;
      fixedSideCell[plan.classSide[p.type]][p.fixedGroup]++;
      fixedInGroup[p.fixedGroup]++;
    } else if (p.placed) {
      freeByType[p.type].push(i);
      freePerSide[plan.classSide[p.type]]++;
    }
  });
  const room = plan.size.map((s, g) => s - fixedInGroup[g]);
  const freeCount = freeByType.reduce((a, l) => a + l.length, 0);
  return { groupOf, fixedCell, fixedSideCell, room, freeByType, freePerSide, freeCount };
}

/** `locked_over_fair_share` for every (type, group) whose fixed people alone exceed ceil(fair share). */
function fixedOverFairShare(plan: SeatPlan, fixedCell: number[][]): AssignmentProblem[] {
  const problems: AssignmentProblem[] = [];
  plan.fairShare.forEach((shares, t) => {
    shares.forEach((share, g) => {
      if (fixedCell[t][g] <= Math.ceil(share - 1e-9)) return;
      problems.push({
        code: 'locked_over_fair_share',
        params: {
          type: plan.types[t],
          group: plan.groupIds[g],
          locked: fixedCell[t][g],
          fairShare: Math.round(share * 100) / 100,
        },
      });
    });
  });
  return problems;
}

/** Points 3-6: the optimal flow decides how many of each bucket go where, then organisations pick who. */
function seatFreePeople(plan: SeatPlan, seating: Seating): void {
  const { people } = plan;
  const longest = people.reduce((m, p) => Math.max(m, p.prefs.length), 0);
  const costs = preferenceCosts(seating.freeCount, longest);
  const units = solveAssignmentFlow(plan, seating, costs);
  const orgs = trackOrganisations(people, plan.groupIds.length);
  dealUnits(units, orgs, seating.groupOf);
  spreadOrganisations(people, seating.freeByType, seating.groupOf, orgs, costs, plan.groupIds.length);
}

function assignmentsById(plan: SeatPlan, groupOf: Int32Array): Map<number, number | null> {
  const assignments = new Map<number, number | null>();
  plan.people.forEach((p, i) => assignments.set(p.id, groupOf[i] >= 0 ? plan.groupIds[groupOf[i]] : null));
  return assignments;
}
