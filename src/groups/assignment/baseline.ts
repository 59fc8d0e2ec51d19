/**
 * Simple baselines for comparison in tests and benchmarks only; the service uses assignGroups.
 */
import { evaluateAssignment, planSeats, type AssignmentInput, type AssignmentResult } from './index.js';

function finish(
  input: AssignmentInput,
  groupIds: number[],
  people: { id: number }[],
  groupOf: Int32Array,
): AssignmentResult {
  const assignments = new Map<number, number | null>();
  people.forEach((p, i) => assignments.set(p.id, groupOf[i] >= 0 ? groupIds[groupOf[i]] : null));
  return { assignments, report: evaluateAssignment(input, assignments) };
}

/**
 * Ignores balance: fixed people keep their group; everyone else, in id order, goes to their highest-ranked
 * group with room, else to the emptiest group with room (lowest id on ties), else nowhere.
 */
export function greedyBaseline(input: AssignmentInput): AssignmentResult {
  const plan = planSeats(input);
  const G = plan.groupIds.length;
  const load = new Array<number>(G).fill(0);
  const groupOf = new Int32Array(plan.people.length).fill(-1);
  plan.people.forEach((p, i) => {
    if (p.fixedGroup >= 0) {
      groupOf[i] = p.fixedGroup;
      load[p.fixedGroup]++;
    }
  });
  plan.people.forEach((p, i) => {
    if (p.fixedGroup >= 0) return;
    let chosen = p.prefs.find((g) => load[g] < plan.capacity[g]) ?? -1;
    if (chosen < 0) {
      for (let g = 0; g < G; g++) if (load[g] < plan.capacity[g] && (chosen < 0 || load[g] < load[chosen])) chosen = g;
    }
    if (chosen >= 0) {
      groupOf[i] = chosen;
      load[chosen]++;
    }
  });
  return finish(input, plan.groupIds, plan.people, groupOf);
}

/**
 * Tries to respect balance: same seated people and target sizes as assignGroups; in id order, each free person
 * goes to their highest-ranked group whose size target and ceil(fair share) for their type leave room, else the
 * first such group, else the first group under its size target. The result is often, not always, balanced.
 */
export function balancedGreedyBaseline(input: AssignmentInput): AssignmentResult {
  const plan = planSeats(input);
  const G = plan.groupIds.length;
  const load = new Array<number>(G).fill(0);
  const cell = plan.types.map(() => new Array<number>(G).fill(0));
  const groupOf = new Int32Array(plan.people.length).fill(-1);
  plan.people.forEach((p, i) => {
    if (p.fixedGroup >= 0) {
      groupOf[i] = p.fixedGroup;
      load[p.fixedGroup]++;
      cell[p.type][p.fixedGroup]++;
    }
  });
  plan.people.forEach((p, i) => {
    if (p.fixedGroup >= 0 || !p.placed) return;
    const fits = (g: number) => load[g] < plan.size[g] && cell[p.type][g] < Math.ceil(plan.fairShare[p.type][g] - 1e-9);
    let chosen = p.prefs.find(fits) ?? -1;
    if (chosen < 0) for (let g = 0; g < G && chosen < 0; g++) if (fits(g)) chosen = g;
    if (chosen < 0) for (let g = 0; g < G && chosen < 0; g++) if (load[g] < plan.size[g]) chosen = g;
    if (chosen >= 0) {
      groupOf[i] = chosen;
      load[chosen]++;
      cell[p.type][chosen]++;
    }
  });
  return finish(input, plan.groupIds, plan.people, groupOf);
}
