/**
 * Breakout-group assignment benchmark on deterministic synthetic workshops.
 * Run directly: npx tsx bench/assignment-bench.ts [sizes...]
 */
import { performance } from 'node:perf_hooks';
import { assignGroups, type AssignmentInput, type AssignmentPerson } from '../src/groups/assignment/index.js';
import { runDirectly } from './run-directly.js';

export interface AssignmentBenchRow {
  people: number;
  groups: number;
  types: number;
  ms: number;
  maxGap: number;
  firstChoice: number;
}

/** mulberry32: small seeded PRNG, deterministic across runs and platforms. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** 12 structure types with skewed proportions (the network's usual mix, then a long tail). */
const TYPE_WEIGHTS: [string, number][] = [
  ['travailleur-social', 39],
  ['association', 26],
  ['bailleur-social', 14],
  ['collectivite', 12],
  ['fournisseur-energie', 3],
  ['institution', 2],
  ['autre', 1.4],
  ['caf', 0.9],
  ['ccas', 0.7],
  ['mediateur', 0.5],
  ['chercheur', 0.3],
  ['elu', 0.2],
];

function pick(random: () => number, cumulative: number[]): number {
  const x = random() * cumulative[cumulative.length - 1];
  let i = 0;
  while (cumulative[i] <= x) i++;
  return i;
}

/** A synthetic workshop: skewed types, organisations of 1-8 people, 3 ranked preferences with popular groups. */
export function syntheticInput(people: number, seed = 2013): AssignmentInput {
  const random = prng(seed + people);
  const groupCount = people >= 10_000 ? 100 : Math.max(2, Math.round(people / 100));
  const perGroup = people / groupCount;
  // Capacities between 1.0 and 1.4 times the average size: enough seats, some slack, unequal groups.
  const groups = Array.from({ length: groupCount }, (_, i) => ({
    id: 1000 + i,
    capacity: Math.ceil(perGroup * (1 + 0.4 * random())),
  }));
  // Group popularity is Zipf-like so that first choices compete.
  const popularity: number[] = [];
  let acc = 0;
  for (let i = 0; i < groupCount; i++) popularity.push((acc += 1 / (1 + i * 0.3)));
  const typeCumulative: number[] = [];
  acc = 0;
  for (const [, w] of TYPE_WEIGHTS) typeCumulative.push((acc += w));

  const list: AssignmentPerson[] = [];
  let org = 0;
  let orgLeft = 0;
  let orgType = 0;
  for (let i = 0; i < people; i++) {
    if (orgLeft === 0) {
      org++;
      orgLeft = 1 + Math.floor(random() * 8);
      orgType = pick(random, typeCumulative);
    }
    orgLeft--;
    const preferences: number[] = [];
    while (preferences.length < Math.min(3, groupCount)) {
      const g = groups[pick(random, popularity)].id;
      if (!preferences.includes(g)) preferences.push(g);
    }
    list.push({ id: i + 1, structureType: TYPE_WEIGHTS[orgType][0], organisation: `Organisation ${org}`, preferences });
  }
  return { groups, people: list, mode: 'all' };
}

export async function benchAssignment(sizes = [1000, 10000]): Promise<AssignmentBenchRow[]> {
  const rows: AssignmentBenchRow[] = [];
  for (const size of sizes) {
    const input = syntheticInput(size);
    const times: number[] = [];
    let result = assignGroups(input);
    for (let run = 0; run < 3; run++) {
      const start = performance.now();
      result = assignGroups(input);
      times.push(performance.now() - start);
      await new Promise((resolve) => setImmediate(resolve));
    }
    times.sort((a, b) => a - b);
    rows.push({
      people: size,
      groups: input.groups.length,
      types: new Set(input.people.map((p) => p.structureType)).size,
      ms: Math.round(times[1] * 10) / 10,
      maxGap: Math.floor(result.report.maxGap * 10_000) / 10_000, // floored: a gap of 0.99996 must not print as 1
      firstChoice: result.report.preferences.first,
    });
  }
  return rows;
}

runDirectly(import.meta.url, benchAssignment);
