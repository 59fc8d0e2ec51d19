import t from 'tap';
import fc from 'fast-check';
import {
  assignGroups,
  type AssignmentGroup,
  type AssignmentInput,
  type AssignmentPerson,
  type AssignmentResult,
} from '../../src/groups/assignment/index.js';
import { balancedGreedyBaseline, greedyBaseline } from '../../src/groups/assignment/baseline.js';

const TYPES = [
  'travailleur-social',
  'association',
  'bailleur-social',
  'collectivite',
  'fournisseur-energie',
  'institution',
  'autre',
  'elu',
];
const SEED = 20130611;

// ------------------------------------------------------------------------------------------------
// Generators
// ------------------------------------------------------------------------------------------------

interface EventOptions {
  maxGroups?: number;
  maxPeople?: number;
  maxTypes?: number;
  /** Lock some people and give some of them a current group. */
  locks?: boolean;
  modes?: AssignmentInput['mode'][];
  maxCapacity?: number;
  maxPreferences?: number;
}

/** Random events: 1-12 groups (some unlimited), 0-300 people, 1-8 skewed types, organisations, preferences, locks. */
function eventArb(options: EventOptions = {}): fc.Arbitrary<AssignmentInput> {
  const {
    maxGroups = 12,
    maxPeople = 300,
    maxTypes = 8,
    locks = true,
    modes = ['all', 'unassigned'],
    maxCapacity = 60,
    maxPreferences = 4,
  } = options;
  return fc
    .record({
      groupCount: fc.integer({ min: 1, max: maxGroups }),
      typeCount: fc.integer({ min: 1, max: maxTypes }),
      orgCount: fc.integer({ min: 1, max: 40 }),
      firstGroupId: fc.integer({ min: 1, max: 1000 }),
      // Drawn explicitly: fast-check's default size would keep arrays to about ten elements.
      peopleCount: fc.integer({ min: 0, max: maxPeople }),
    })
    .chain(({ groupCount, typeCount, orgCount, firstGroupId, peopleCount }) => {
      const groupIds = Array.from({ length: groupCount }, (_, i) => firstGroupId + 3 * i);
      // An id that is no group, to check that unknown preferences and current groups are tolerated.
      const anyGroupId = fc.oneof(
        { weight: 12, arbitrary: fc.constantFrom(...groupIds) },
        { weight: 1, arbitrary: fc.constant(firstGroupId - 1) },
      );
      const group = fc.record({
        capacity: fc.oneof(
          { weight: 5, arbitrary: fc.integer({ min: 0, max: maxCapacity }) },
          { weight: 1, arbitrary: fc.constant(null) },
        ),
      });
      // Skewed types: the first ones are much more frequent.
      const type = fc
        .integer({ min: 0, max: typeCount * typeCount - 1 })
        .map((x) => typeCount - 1 - Math.floor(Math.sqrt(x)));
      const person = fc.record({
        type,
        org: fc.integer({ min: 0, max: orgCount - 1 }),
        preferences: fc.uniqueArray(anyGroupId, { maxLength: maxPreferences }),
        locked: locks ? fc.integer({ min: 0, max: 9 }).map((x) => x === 0) : fc.constant(false),
        groupId: locks ? fc.option(anyGroupId, { freq: 3, nil: null }) : fc.constant(null),
      });
      return fc
        .record({
          capacities: fc.array(group, { minLength: groupCount, maxLength: groupCount }),
          people: fc.array(person, { minLength: peopleCount, maxLength: peopleCount }),
          mode: fc.constantFrom(...modes),
        })
        .map(
          ({ capacities, people, mode }): AssignmentInput => ({
            groups: capacities.map((g, i) => ({ id: groupIds[i], capacity: g.capacity })),
            // Ids decrease along the array, so that input order and id order differ.
            people: people.map((p, i) => ({
              id: 10_000 - 7 * i,
              structureType: TYPES[p.type],
              organisation: `Organisation ${p.org}`,
              preferences: p.preferences,
              groupId: p.groupId,
              locked: p.locked,
            })),
            mode,
          }),
        );
    });
}

// ------------------------------------------------------------------------------------------------
// Independent checks (computed from the assignments, not from the report)
// ------------------------------------------------------------------------------------------------

function isFixed(input: AssignmentInput, p: AssignmentPerson): boolean {
  const known = p.groupId !== null && p.groupId !== undefined && input.groups.some((g) => g.id === p.groupId);
  return known && (p.locked === true || input.mode === 'unassigned');
}

function groupLoads(input: AssignmentInput, result: AssignmentResult): Map<number, number> {
  const loads = new Map<number, number>(input.groups.map((g) => [g.id, 0]));
  for (const gid of result.assignments.values()) if (gid !== null) loads.set(gid, loads.get(gid)! + 1);
  return loads;
}

function totalSeats(input: AssignmentInput): number {
  let seats = 0;
  for (const g of input.groups) {
    const fixed = input.people.filter((p) => isFixed(input, p) && p.groupId === g.id).length;
    seats += g.capacity === null ? Infinity : Math.max(g.capacity, fixed);
  }
  return seats;
}

/** count[type][group] and, from the actual group sizes, fair[type][group] = P_t * size_g / M. */
function balanceOf(input: AssignmentInput, result: AssignmentResult) {
  const typeOf = new Map(input.people.map((p) => [p.id, p.structureType]));
  const count = new Map<string, Map<number, number>>();
  const perType = new Map<string, number>();
  let placed = 0;
  for (const [id, gid] of result.assignments) {
    if (gid === null) continue;
    const type = typeOf.get(id)!;
    if (!count.has(type)) count.set(type, new Map());
    count.get(type)!.set(gid, (count.get(type)!.get(gid) ?? 0) + 1);
    perType.set(type, (perType.get(type) ?? 0) + 1);
    placed++;
  }
  const loads = groupLoads(input, result);
  let maxGap = 0;
  for (const [type, pt] of perType) {
    for (const g of input.groups) {
      const fair = (pt * loads.get(g.id)!) / placed;
      maxGap = Math.max(maxGap, Math.abs((count.get(type)!.get(g.id) ?? 0) - fair));
    }
  }
  return { count, perType, placed, loads, maxGap };
}

/** (first, second, other ranked, -sum of ranks beyond the second), compared lexicographically. */
function preferenceScore(input: AssignmentInput, assignments: Map<number, number | null>): number[] {
  const known = new Set(input.groups.map((g) => g.id));
  const score = [0, 0, 0, 0];
  for (const p of input.people) {
    const gid = assignments.get(p.id);
    if (gid === null || gid === undefined) continue;
    const ranked = [...new Set((p.preferences ?? []).filter((id) => known.has(id)))];
    const rank = ranked.indexOf(gid);
    if (rank === 0) score[0]++;
    else if (rank === 1) score[1]++;
    else if (rank > 1) {
      score[2]++;
      score[3] -= rank - 2;
    }
  }
  return score;
}

function compareScores(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

/** Whether `result` meets assignGroups' balance class: same seated people, target sizes, every count in band. */
function inBalancedClass(reference: AssignmentResult, result: AssignmentResult): boolean {
  const { fairShare, counts } = result.report;
  for (const [id, gid] of reference.assignments)
    if ((gid === null) !== (result.assignments.get(id) === null)) return false;
  for (const type of Object.keys(fairShare)) {
    for (const gid of Object.keys(fairShare[type]).map(Number)) {
      const f = fairShare[type][gid];
      const c = counts[type][gid];
      if (c < Math.floor(f + 1e-9) || c > Math.ceil(f - 1e-9)) return false;
    }
  }
  // Target sizes are the column sums of the fair shares.
  const sizes = new Map<number, number>();
  for (const row of Object.values(fairShare))
    for (const [gid, f] of Object.entries(row)) sizes.set(Number(gid), (sizes.get(Number(gid)) ?? 0) + f);
  const loads = new Map<number, number>();
  for (const gid of result.assignments.values()) if (gid !== null) loads.set(gid, (loads.get(gid) ?? 0) + 1);
  for (const [gid, size] of sizes) if (Math.abs((loads.get(gid) ?? 0) - size) > 1e-6) return false;
  return true;
}

function shuffled<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let state = seed >>> 0 || 1;
  for (let i = out.length - 1; i > 0; i--) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

const property = <T>(arb: fc.Arbitrary<T>, predicate: (value: T) => void, numRuns = 100) =>
  fc.assert(fc.property(arb, predicate), { numRuns, seed: SEED });

// ------------------------------------------------------------------------------------------------
// Properties
// ------------------------------------------------------------------------------------------------

t.test('never exceeds a capacity; fixed people over capacity stay and are reported', async (_t) => {
  property(eventArb(), (input) => {
    const result = assignGroups(input);
    const loads = groupLoads(input, result);
    for (const g of input.groups) {
      if (g.capacity === null) continue;
      const fixed = input.people.filter((p) => isFixed(input, p) && p.groupId === g.id).length;
      if (fixed > g.capacity) {
        if (loads.get(g.id) !== fixed)
          throw new Error(`group ${g.id}: ${loads.get(g.id)} people, ${fixed} fixed over capacity ${g.capacity}`);
        const reported = result.report.problems.some(
          (p) => p.code === 'locked_over_capacity' && p.params.group === g.id,
        );
        if (!reported) throw new Error(`group ${g.id}: locked_over_capacity not reported`);
      } else if (loads.get(g.id)! > g.capacity) {
        throw new Error(`group ${g.id}: ${loads.get(g.id)} people for ${g.capacity} seats`);
      }
    }
  });
});

t.test('places everybody when the seats suffice, otherwise fills every seat and reports the shortage', async (_t) => {
  property(eventArb(), (input) => {
    const result = assignGroups(input);
    const seats = totalSeats(input);
    const placed = [...result.assignments.values()].filter((g) => g !== null).length;
    if (result.assignments.size !== input.people.length) throw new Error('not every person has an entry');
    if (seats >= input.people.length) {
      if (placed !== input.people.length)
        throw new Error(`${input.people.length - placed} unplaced with ${seats} seats`);
      if (result.report.problems.some((p) => p.code === 'capacity_short'))
        throw new Error('capacity_short without shortage');
    } else {
      if (placed !== seats) throw new Error(`${placed} placed for ${seats} seats`);
      const problem = result.report.problems.find((p) => p.code === 'capacity_short');
      if (!problem || problem.params.seats !== seats || problem.params.people !== input.people.length)
        throw new Error('capacity_short missing');
    }
  });
});

t.test('balance: every count within one of its fair share when nobody is fixed', async (_t) => {
  property(
    eventArb({ locks: false, modes: ['all'] }),
    (input) => {
      const result = assignGroups(input);
      const { maxGap, count, loads } = balanceOf(input, result);
      if (maxGap >= 1) throw new Error(`gap ${maxGap}`);
      if (result.report.maxGap >= 1 || Math.abs(result.report.maxGap - maxGap) > 1e-9)
        throw new Error('report.maxGap disagrees');
      if (result.report.problems.some((p) => p.code.startsWith('balance') || p.code.startsWith('locked')))
        throw new Error('spurious problem');
      for (const [type, row] of Object.entries(result.report.counts)) {
        for (const [gid, c] of Object.entries(row))
          if ((count.get(type)?.get(Number(gid)) ?? 0) !== c) throw new Error('report.counts disagrees');
      }
      // Group sizes in proportion to capacity: two limited groups with room left are within rounding of each other.
      const open = input.groups.filter((g) => g.capacity !== null && g.capacity > 0 && loads.get(g.id)! < g.capacity);
      for (const a of open) {
        for (const b of open) {
          if ((loads.get(a.id)! - 1) / a.capacity! >= (loads.get(b.id)! + 1) / b.capacity!) {
            throw new Error(
              `sizes not proportional: ${loads.get(a.id)}/${a.capacity} vs ${loads.get(b.id)}/${b.capacity}`,
            );
          }
        }
      }
      // Unlimited groups share equally.
      const unlimited = input.groups.filter((g) => g.capacity === null).map((g) => loads.get(g.id)!);
      if (unlimited.length > 0 && Math.max(...unlimited) - Math.min(...unlimited) > 1)
        throw new Error(`unlimited groups ${unlimited}`);
    },
    150,
  );
});

t.test('balance with fixed people: within one whenever reported feasible, problems reported otherwise', async (_t) => {
  property(eventArb(), (input) => {
    const result = assignGroups(input);
    const { maxGap } = balanceOf(input, result);
    const reported = result.report.problems.some((p) => p.code === 'balance_infeasible');
    if (maxGap >= 1 && !reported) throw new Error(`gap ${maxGap} not reported`);
    if (maxGap < 1 && reported) throw new Error('balance_infeasible reported while balanced');
  });
});

t.test('locked people keep their group; mode "unassigned" keeps every current group', async (_t) => {
  property(eventArb(), (input) => {
    const result = assignGroups(input);
    for (const p of input.people) {
      if (isFixed(input, p) && result.assignments.get(p.id) !== p.groupId) {
        throw new Error(
          `person ${p.id} moved from ${p.groupId} to ${result.assignments.get(p.id)} (locked: ${p.locked}, mode ${input.mode})`,
        );
      }
    }
  });
});

t.test('deterministic and independent of the input order', async (_t) => {
  property(
    fc.tuple(eventArb(), fc.integer({ min: 1, max: 2 ** 30 })),
    ([input, seed]) => {
      const a = assignGroups(input);
      const b = assignGroups(input);
      const c = assignGroups({
        ...input,
        people: shuffled(input.people, seed),
        groups: shuffled(input.groups, seed + 1),
      });
      for (const other of [b, c]) {
        for (const [id, gid] of a.assignments)
          if (other.assignments.get(id) !== gid)
            throw new Error(`person ${id}: ${gid} vs ${other.assignments.get(id)}`);
        if (JSON.stringify(other.report) !== JSON.stringify(a.report)) throw new Error('reports differ');
      }
    },
    60,
  );
});

t.test('report is consistent with the assignments', async (_t) => {
  property(eventArb(), (input) => {
    const result = assignGroups(input);
    const unplaced = [...result.assignments]
      .filter(([, g]) => g === null)
      .map(([id]) => id)
      .sort((x, y) => x - y);
    if (JSON.stringify(unplaced) !== JSON.stringify(result.report.unplaced)) throw new Error('unplaced disagrees');
    const { first, second, other, none, withoutPreferences } = result.report.preferences;
    if (first + second + other + none + withoutPreferences !== input.people.length - unplaced.length)
      throw new Error('preference counts');
    const score = preferenceScore(input, result.assignments);
    if (score[0] !== first || score[1] !== second || score[2] !== other) throw new Error('preference counts disagree');
  });
});

t.test('preferences: at least as good as the baselines whenever they happen to be balanced', async (t) => {
  let compared = 0;
  property(
    eventArb({ maxGroups: 6, maxPeople: 120 }),
    (input) => {
      const result = assignGroups(input);
      const ours = preferenceScore(input, result.assignments);
      for (const baseline of [balancedGreedyBaseline(input), greedyBaseline(input)]) {
        if (!inBalancedClass(result, baseline)) continue;
        compared++;
        const theirs = preferenceScore(input, baseline.assignments);
        if (compareScores(ours, theirs) < 0) throw new Error(`ours ${ours} < baseline ${theirs}`);
      }
    },
    200,
  );
  t.ok(compared > 20, `compared with a balanced baseline ${compared} times`);
});

t.test(
  'preferences: lexicographically optimal among balanced assignments keeping fixed people (brute force)',
  async (t) => {
    const small = eventArb({ maxGroups: 3, maxPeople: 8, maxTypes: 3, maxCapacity: 6, maxPreferences: 3 }).filter(
      (input) => input.groups.length >= 2,
    );
    let enumerated = 0;
    property(
      small,
      (input) => {
        const result = assignGroups(input);
        if (result.report.unplaced.length > 0) return; // the class is defined over the seated people only
        if (result.report.maxGap >= 1) return; // fixed people made balance impossible: nothing to compare
        const ours = preferenceScore(input, result.assignments);
        const fixed = input.people.map((p) => (isFixed(input, p) ? p.groupId! : null));
        const G = input.groups.length;
        const n = input.people.length;
        let best: number[] | null = null;
        const choice = new Array<number>(n).fill(0);
        for (let k = 0; k < G ** n; k++) {
          let x = k;
          let keepsFixed = true;
          for (let i = 0; i < n; i++) {
            choice[i] = x % G;
            x = Math.floor(x / G);
            if (fixed[i] !== null && input.groups[choice[i]].id !== fixed[i]) keepsFixed = false;
          }
          if (!keepsFixed) continue;
          const assignments = new Map<number, number | null>(
            input.people.map((p, i) => [p.id, input.groups[choice[i]].id]),
          );
          const candidate: AssignmentResult = {
            assignments,
            report: { ...result.report, counts: countsOf(input, assignments) },
          };
          if (!inBalancedClass(result, candidate)) continue;
          enumerated++;
          const score = preferenceScore(input, assignments);
          if (best === null || compareScores(score, best) > 0) best = score;
        }
        if (best === null) throw new Error('no balanced assignment found by brute force, yet assignGroups found one');
        if (compareScores(ours, best) !== 0) throw new Error(`ours ${ours}, best ${best}`);
      },
      120,
    );
    t.ok(enumerated > 100, `${enumerated} balanced assignments enumerated`);
  },
);

function countsOf(
  input: AssignmentInput,
  assignments: Map<number, number | null>,
): Record<string, Record<number, number>> {
  const counts: Record<string, Record<number, number>> = {};
  for (const p of input.people) {
    counts[p.structureType] ??= Object.fromEntries(input.groups.map((g) => [g.id, 0]));
    const gid = assignments.get(p.id);
    if (gid !== null && gid !== undefined) counts[p.structureType][gid]++;
  }
  return counts;
}

t.test('organisations are spread when preferences and balance allow', async (t) => {
  // 4 groups, 8 people of one type from 2 organisations, no preferences: 2 of each organisation per group is
  // optimal only if the organisations are split 1 + 1 in every group.
  const people: AssignmentPerson[] = Array.from({ length: 8 }, (_, i) => ({
    id: i + 1,
    structureType: 'association',
    organisation: i < 4 ? 'Secours' : ' secours  POPULAIRE',
  }));
  const groups: AssignmentGroup[] = [1, 2, 3, 4].map((id) => ({ id, capacity: 2 }));
  const result = assignGroups({ groups, people, mode: 'all' });
  for (const gid of [1, 2, 3, 4]) {
    const orgs = people.filter((p) => result.assignments.get(p.id) === gid).map((p) => p.organisation);
    t.equal(new Set(orgs).size, 2, `group ${gid} mixes both organisations`);
  }
});

// ------------------------------------------------------------------------------------------------
// The 2013 workshop
// ------------------------------------------------------------------------------------------------

const WORKSHOP_2013: [string, number][] = [
  ['travailleur-social', 27],
  ['association', 18],
  ['bailleur-social', 10],
  ['collectivite', 9],
  ['fournisseur-energie', 2],
  ['autre', 4],
];

function workshop2013(capacity: number): AssignmentInput {
  // Registrations interleaved the way they arrive, by id.
  const queue = WORKSHOP_2013.flatMap(([type, n]) =>
    Array.from({ length: n }, (_, i) => ({ type, key: (i + 0.5) / n })),
  );
  queue.sort((a, b) => a.key - b.key || (a.type < b.type ? -1 : 1));
  const people = queue.map((p, i) => ({ id: i + 1, structureType: p.type, organisation: `${p.type} ${i % 6}` }));
  return { groups: [11, 12, 13, 14].map((id) => ({ id, capacity })), people, mode: 'all' };
}

t.test('2013 workshop: 70 participants, 4 groups of 20', async (t) => {
  const input = workshop2013(20);
  t.equal(input.people.length, 70);
  const result = assignGroups(input);
  const { loads, count, maxGap } = balanceOf(input, result);
  t.same([...loads.values()].sort(), [17, 17, 18, 18], 'group sizes 17/18');
  t.ok(maxGap < 1, `every count within one of the fair share (max gap ${maxGap.toFixed(3)})`);
  for (const [type, n] of WORKSHOP_2013) {
    for (const gid of [11, 12, 13, 14]) {
      const fair = (n * loads.get(gid)!) / 70;
      const c = count.get(type)?.get(gid) ?? 0;
      t.ok(
        c === Math.floor(fair) || c === Math.ceil(fair),
        `${type} in group ${gid}: ${c} for a fair share of ${fair.toFixed(2)}`,
      );
      t.equal(result.report.counts[type][gid], c);
      t.ok(Math.abs(result.report.fairShare[type][gid] - fair) < 1e-9);
    }
  }
  // Rounded to the nearest where possible: the 4 "autre" are in 4 different groups.
  t.same(
    [11, 12, 13, 14].map((gid) => count.get('autre')?.get(gid) ?? 0),
    [1, 1, 1, 1],
  );
  t.same(result.report.problems, []);
  t.same(result.report.unplaced, []);
});

t.test('2013 workshop: 70 participants, 4 groups of 15 (60 seats)', async (t) => {
  const input = workshop2013(15);
  const result = assignGroups(input);
  t.same(
    result.report.problems.find((p) => p.code === 'capacity_short'),
    { code: 'capacity_short', params: { seats: 60, people: 70 } },
  );
  t.equal(result.report.unplaced.length, 10);
  const { loads, count, maxGap } = balanceOf(input, result);
  t.same([...loads.values()], [15, 15, 15, 15]);
  t.ok(maxGap < 1, 'the 60 seated people are balanced');
  for (const [type] of WORKSHOP_2013) t.ok((count.get(type)?.size ?? 0) > 0, `${type} still represented`);
});

t.test('edge cases', async (t) => {
  t.test('no people', async (t) => {
    const result = assignGroups({ groups: [{ id: 1, capacity: 10 }], people: [], mode: 'all' });
    t.equal(result.assignments.size, 0);
    t.equal(result.report.maxGap, 0);
    t.same(result.report.problems, []);
  });
  t.test('no groups', async (t) => {
    const people = [{ id: 1, structureType: 'autre', organisation: 'X' }];
    const result = assignGroups({ groups: [], people, mode: 'all' });
    t.same([...result.assignments], [[1, null]]);
    t.same(result.report.problems, [{ code: 'no_groups', params: { people: 1 } }]);
  });
  t.test('locked people alone over capacity', async (t) => {
    const people = [1, 2, 3].map((id) => ({
      id,
      structureType: 'autre',
      organisation: `O${id}`,
      groupId: 5,
      locked: true,
    }));
    people.push({ id: 4, structureType: 'autre', organisation: 'O4', groupId: 5, locked: false });
    const result = assignGroups({
      groups: [
        { id: 5, capacity: 2 },
        { id: 6, capacity: 2 },
      ],
      people,
      mode: 'all',
    });
    t.same(
      [...result.assignments],
      [
        [1, 5],
        [2, 5],
        [3, 5],
        [4, 6],
      ],
    );
    t.same(
      result.report.problems.find((p) => p.code === 'locked_over_capacity'),
      { code: 'locked_over_capacity', params: { group: 5, capacity: 2, locked: 3 } },
    );
  });
  t.test('mode unassigned places only newcomers', async (t) => {
    const people: AssignmentPerson[] = [
      { id: 1, structureType: 'a', organisation: 'X', groupId: 1 },
      { id: 2, structureType: 'a', organisation: 'Y', groupId: 1 },
      { id: 3, structureType: 'a', organisation: 'Z', preferences: [1] },
    ];
    const groups = [
      { id: 1, capacity: 3 },
      { id: 2, capacity: 3 },
    ];
    t.same(
      [...assignGroups({ groups, people, mode: 'unassigned' }).assignments],
      [
        [1, 1],
        [2, 1],
        [3, 2],
      ],
      'group sizes (2 + 1 for 3 people) come before preferences',
    );
    t.same([...assignGroups({ groups, people, mode: 'all' }).assignments.values()].filter((g) => g === 1).length, 2);
  });
});
