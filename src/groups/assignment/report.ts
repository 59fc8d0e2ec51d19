/** The report of an assignment: counts against fair shares, preferences met, unplaced people, problems. */
import { planSeats } from './seats.js';
import type { AssignmentInput, AssignmentProblem, AssignmentReport, SeatPlan } from './types.js';

/**
 * Counts against fair shares by structure type (a type split by side adds its classes up) and by side. groupOf[i]:
 * group index of plan.people[i], -1 when unplaced.
 */
export function makeReport(plan: SeatPlan, groupOf: Int32Array, problems: AssignmentProblem[]): AssignmentReport {
  const G = plan.groupIds.length;
  const count: number[][] = plan.types.map(() => new Array<number>(G).fill(0));
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
  const byType = table(plan, plan.classType, count, plan.fairShare);
  const sideCount = plan.sides.map(() => new Array<number>(G).fill(0));
  count.forEach((row, t) => row.forEach((n, g) => (sideCount[plan.classSide[t]][g] += n)));
  const bySide = table(plan, plan.sides, sideCount, plan.sideFairShare);
  const allProblems = [...problems];
  if (byType.outOfBand > 0) {
    allProblems.push({
      code: 'balance_infeasible',
      params: { cells: byType.outOfBand, maxGap: Math.round(byType.maxGap * 100) / 100 },
    });
  }
  const missingSides: AssignmentReport['missingSides'] = [];
  plan.sides.forEach((side, s) => {
    if (side === '') return;
    plan.groupIds.forEach((groupId, g) => {
      const share = plan.sideFairShare[s][g];
      if (sideCount[s][g] === 0 && share > 0) missingSides.push({ groupId, side });
      if (sideCount[s][g] <= share - 1 + 1e-9) {
        const fairShare = Math.round(share * 100) / 100;
        allProblems.push({ code: 'side_short', params: { side, group: groupId, count: sideCount[s][g], fairShare } });
      }
    });
  });
  return {
    ...{ fairShare: byType.fairShare, counts: byType.counts, maxGap: byType.maxGap, preferences, unplaced },
    ...{ sideFairShare: bySide.fairShare, sideCounts: bySide.counts, maxSideGap: bySide.maxGap, missingSides },
    problems: allProblems,
  };
}

/** Rows keyed by `keys[row]` (rows with one key add up), columns by group id; gaps measured after adding up. */
function table(plan: SeatPlan, keys: string[], count: number[][], fairShare: number[][]) {
  const fairShareOut: Record<string, Record<number, number>> = {};
  const countsOut: Record<string, Record<number, number>> = {};
  count.forEach((row, r) => {
    const key = keys[r];
    fairShareOut[key] ??= {};
    countsOut[key] ??= {};
    plan.groupIds.forEach((id, g) => {
      fairShareOut[key][id] = (fairShareOut[key][id] ?? 0) + fairShare[r][g];
      countsOut[key][id] = (countsOut[key][id] ?? 0) + row[g];
    });
  });
  let maxGap = 0;
  let outOfBand = 0;
  for (const key of Object.keys(countsOut)) {
    for (const id of plan.groupIds) {
      const gap = Math.abs(countsOut[key][id] - fairShareOut[key][id]);
      if (gap > maxGap) maxGap = gap;
      if (gap >= 1 - 1e-9) outOfBand++;
    }
  }
  return { fairShare: fairShareOut, counts: countsOut, maxGap, outOfBand };
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
