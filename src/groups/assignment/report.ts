/** The report of an assignment: counts against fair shares, preferences met, unplaced people, problems. */
import { planSeats } from './seats.js';
import type { AssignmentInput, AssignmentProblem, AssignmentReport, SeatPlan } from './types.js';

/** groupOf[i]: group index of plan.people[i], -1 when unplaced. */
export function makeReport(plan: SeatPlan, groupOf: Int32Array, problems: AssignmentProblem[]): AssignmentReport {
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
