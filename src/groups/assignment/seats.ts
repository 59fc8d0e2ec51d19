/**
 * Seat planning, before choosing who goes where: who is fixed, who gets a seat, the groups' target sizes and
 * the fair shares of every (structure type, group).
 */
import type {
  AssignmentGroup,
  AssignmentInput,
  AssignmentPerson,
  AssignmentProblem,
  PlannedPerson,
  SeatPlan,
} from './types.js';

export function planSeats(input: AssignmentInput): SeatPlan {
  const problems: AssignmentProblem[] = [];
  const groups = uniqueGroupsById(input.groups);
  const groupIds = groups.map((g) => g.id);
  const rawPeople = [...input.people].sort(byId);
  const classes = balanceClasses(rawPeople, input.sides ?? []);
  const { types } = classes;
  const people = planPeople(rawPeople, classes.classOf, types, groupIds, input.mode, problems);
  const fixedPerGroup = countFixedPerGroup(people, groups.length);
  const capacity = effectiveCapacities(groups, fixedPerGroup, problems);
  const seated = countSeats(people.length, capacity, problems);
  giveSeatsPerType(people, types.length, seated);
  const size = apportion(seated, groupWeights(groups, capacity), fixedPerGroup, capacity);
  const placedPerType = new Array<number>(types.length).fill(0);
  for (const p of people) if (p.placed) placedPerType[p.type]++;
  const share = (placed: number) => size.map((s) => (seated > 0 ? (placed * s) / seated : 0));
  const fairShare = placedPerType.map(share);
  const placedPerSide = new Array<number>(classes.sides.length).fill(0);
  placedPerType.forEach((n, t) => (placedPerSide[classes.classSide[t]] += n));
  const sideFairShare = placedPerSide.map(share);
  const { classType, classSide, sides } = classes;
  return {
    ...{ groupIds, capacity, size, types, classType, classSide, sides, people, placedPerType, fairShare },
    ...{ placedPerSide, sideFairShare, problems },
  };
}

function byId<T extends { id: number }>(a: T, b: T): number {
  return a.id - b.id;
}

/** Ascending ids; of a repeated id, the first occurrence wins. */
function uniqueGroupsById(input: AssignmentGroup[]): AssignmentGroup[] {
  const seen = new Set<number>();
  const groups: AssignmentGroup[] = [];
  for (const group of input) {
    if (seen.has(group.id)) continue;
    seen.add(group.id);
    groups.push(group);
  }
  return groups.sort(byId);
}

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

interface BalanceClasses {
  /** Class key of a person. */
  classOf: (p: AssignmentPerson) => string;
  types: string[];
  classType: string[];
  classSide: number[];
  sides: string[];
}

/**
 * The balance classes: a structure type whose people are all on one side is one class; a type whose people are
 * on several sides (a side set by hand) is one class per side, so that classes nest inside sides. Most frequent
 * first, then by key (independent of input order).
 */
function balanceClasses(people: AssignmentPerson[], sideOrder: string[]): BalanceClasses {
  const sidesOfType = new Map<string, Set<string>>();
  for (const p of people) {
    const set = sidesOfType.get(p.structureType) ?? new Set<string>();
    set.add(p.side ?? '');
    sidesOfType.set(p.structureType, set);
  }
  const classOf = (p: AssignmentPerson) =>
    sidesOfType.get(p.structureType)!.size > 1 ? `${p.structureType}\u241f${p.side ?? ''}` : p.structureType;
  const count = new Map<string, number>();
  const info = new Map<string, { type: string; side: string }>();
  for (const p of people) {
    const key = classOf(p);
    count.set(key, (count.get(key) ?? 0) + 1);
    info.set(key, { type: p.structureType, side: p.side ?? '' });
  }
  const types = [...count.keys()].sort((a, b) => count.get(b)! - count.get(a)! || byName(a, b));
  const present = new Set([...info.values()].map((i) => i.side));
  const sides = [...sideOrder.filter((s) => present.delete(s)), ...[...present].sort(byName)];
  const sideIndex = new Map(sides.map((s, i) => [s, i]));
  const classType = types.map((k) => info.get(k)!.type);
  const classSide = types.map((k) => sideIndex.get(info.get(k)!.side)!);
  return { classOf, types, classType, classSide, sides };
}

function normaliseOrganisation(organisation: string): string {
  return (organisation ?? '')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/** Indexes for types, organisations and groups; known ranked groups only; the group a person keeps, if any. */
function planPeople(
  sortedPeople: AssignmentPerson[],
  classOf: (p: AssignmentPerson) => string,
  types: string[],
  groupIds: number[],
  mode: AssignmentInput['mode'],
  problems: AssignmentProblem[],
): PlannedPerson[] {
  const typeIndex = new Map<string, number>(types.map((t, i) => [t, i]));
  const groupIndex = new Map<number, number>(groupIds.map((id, i) => [id, i]));
  const orgIndex = new Map<string, number>();
  return sortedPeople.map((p) => {
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
    const keeps = p.locked === true || mode === 'unassigned';
    if (keeps && p.groupId !== undefined && p.groupId !== null) {
      const gi = groupIndex.get(p.groupId);
      if (gi === undefined) problems.push({ code: 'unknown_group', params: { person: p.id, group: p.groupId } });
      else fixedGroup = gi;
    }
    return { id: p.id, type: typeIndex.get(classOf(p))!, org, prefs, fixedGroup, placed: fixedGroup >= 0 };
  });
}

function countFixedPerGroup(people: PlannedPerson[], groupCount: number): number[] {
  const fixedPerGroup = new Array<number>(groupCount).fill(0);
  for (const p of people) if (p.fixedGroup >= 0) fixedPerGroup[p.fixedGroup]++;
  return fixedPerGroup;
}

/** Declared capacity, raised to the group's fixed people when they alone exceed it; Infinity when unlimited. */
function effectiveCapacities(
  groups: AssignmentGroup[],
  fixedPerGroup: number[],
  problems: AssignmentProblem[],
): number[] {
  return groups.map((g, i) => {
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
}

/** How many people get a seat (M), reporting a shortage. */
function countSeats(people: number, capacity: number[], problems: AssignmentProblem[]): number {
  const groups = capacity.length;
  const seats = capacity.reduce((a, b) => a + b, 0);
  if (groups === 0 && people > 0) problems.push({ code: 'no_groups', params: { people } });
  else if (seats < people) problems.push({ code: 'capacity_short', params: { seats, people } });
  return groups === 0 ? 0 : Math.min(people, seats);
}

/**
 * Marks who is seated. Seats per type in proportion to the registrations (largest remainder, never below the
 * type's fixed people), so that a shortage does not remove a type; within a type, lowest ids (first registered)
 * first.
 */
function giveSeatsPerType(people: PlannedPerson[], typeCount: number, seated: number): void {
  const perType = new Array<number>(typeCount).fill(0);
  const fixedPerType = new Array<number>(typeCount).fill(0);
  for (const p of people) {
    perType[p.type]++;
    if (p.fixedGroup >= 0) fixedPerType[p.type]++;
  }
  const typeSeats = seated >= people.length ? perType : apportion(seated, perType, fixedPerType, perType);
  const freeSeats = typeSeats.map((s, t) => s - fixedPerType[t]);
  for (const p of people) {
    if (p.fixedGroup < 0 && freeSeats[p.type] > 0) {
      p.placed = true;
      freeSeats[p.type]--;
    }
  }
}

/** Target sizes follow capacities; an unlimited group weighs as much as the largest limited one, or 1. */
function groupWeights(groups: AssignmentGroup[], capacity: number[]): number[] {
  const maxFinite = capacity.reduce(
    (m, c, i) => (Number.isFinite(c) && groups[i].capacity! > 0 ? Math.max(m, groups[i].capacity!) : m),
    0,
  );
  return groups.map((g, i) =>
    Number.isFinite(capacity[i])
      ? Math.max(0, Number.isFinite(g.capacity) ? g.capacity! : 0)
      : maxFinite > 0
        ? maxFinite
        : 1,
  );
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
