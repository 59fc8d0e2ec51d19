import t from 'tap';
import { DEFAULT_STRUCTURE_TYPES } from '../../src/events/structure-types.js';
import fc from 'fast-check';
import {
  breakdown,
  deFr,
  elidesFr,
  formatNumberEn,
  formatNumberFr,
  formatPercentEn,
  formatPercentFr,
  formatPercentFrPlain,
  largestRemainder,
  NNBSP,
  pluralizeLabelFr,
  pluralizeWordFr,
  reportSentenceEn,
  reportSentenceFr,
} from '../../src/reports/percentages.js';

const TYPES = DEFAULT_STRUCTURE_TYPES;

/** The 2013 workshop: 70 registrations. */
const COUNTS_2013: Record<string, number> = {
  'travailleur-social': 27,
  association: 18,
  'bailleur-social': 10,
  collectivite: 9,
  'fournisseur-energie': 2,
  autre: 4,
};

const sum = (values: number[]): number => values.reduce((a, b) => a + b, 0);

/**
 * Independent reference: exact quotas as fractions, remainders compared by cross-multiplication,
 * ties by larger count then lower index.
 */
function referenceHamilton(counts: number[], total: number): number[] {
  const s = sum(counts);
  if (s === 0) return counts.map(() => 0);
  const items = counts.map((count, index) => ({
    index,
    count,
    floor: Math.floor((count * total) / s),
    rem: BigInt(count) * BigInt(total) - BigInt(Math.floor((count * total) / s)) * BigInt(s),
  }));
  const result = items.map((item) => item.floor);
  const ranked = [...items].sort((a, b) =>
    a.rem === b.rem ? b.count - a.count || a.index - b.index : a.rem > b.rem ? -1 : 1,
  );
  const missing = total - sum(result);
  for (let k = 0; k < missing; k++) result[ranked[k].index] += 1;
  return result;
}

const countsArb = fc.array(fc.nat({ max: 10_000 }), { minLength: 1, maxLength: 30 });

t.test('largestRemainder', async (t) => {
  t.test('always sums to exactly 100 for any non-empty counts with a positive sum', async (t) => {
    fc.assert(
      fc.property(countsArb, (counts) => {
        const shares = largestRemainder(counts);
        if (sum(counts) === 0) return shares.every((share) => share === 0);
        return (
          sum(shares) === 100 &&
          shares.length === counts.length &&
          shares.every((share) => Number.isInteger(share) && share >= 0)
        );
      }),
      { numRuns: 2000 },
    );
    t.pass();
  });

  t.test('sums to any requested total; each share within one unit of its exact quota', async (t) => {
    fc.assert(
      fc.property(countsArb, fc.integer({ min: 0, max: 1000 }), (counts, total) => {
        fc.pre(sum(counts) > 0);
        const shares = largestRemainder(counts, total);
        if (sum(shares) !== total) return false;
        const s = sum(counts);
        return shares.every((share, i) => Math.abs(share - (counts[i] * total) / s) < 1);
      }),
      { numRuns: 1000 },
    );
    t.pass();
  });

  t.test('matches an independent reference implementation (including tie-breaking)', async (t) => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 12 }), { minLength: 1, maxLength: 12 }), (counts) => {
        const expected = referenceHamilton(counts, 100);
        const actual = largestRemainder(counts);
        return actual.every((share, i) => share === expected[i]);
      }),
      { numRuns: 3000 },
    );
    t.pass();
  });

  t.test('a larger count never gets a smaller share', async (t) => {
    fc.assert(
      fc.property(countsArb, (counts) => {
        const shares = largestRemainder(counts);
        return counts.every((a, i) => counts.every((b, j) => !(a > b) || shares[i] >= shares[j]));
      }),
      { numRuns: 500 },
    );
    t.pass();
  });

  t.test('deterministic ties', async (t) => {
    t.same(largestRemainder([1, 1, 1]), [34, 33, 33], 'equal counts: lower index first');
    t.same(largestRemainder([1, 1, 1, 1, 1, 1, 1]), [15, 15, 14, 14, 14, 14, 14]);
    // 12.5 / 37.5 / 50: the two .5 remainders tie exactly, one unit left: the larger count wins.
    t.same(largestRemainder([1, 3, 4]), [12, 38, 50], 'equal remainders: larger count first');
    t.same(largestRemainder([3, 1, 4]), [38, 12, 50], 'independent of position when counts differ');
    // 9/70 and 2/70 have exactly the same remainder (60/70): no floating-point noise decides.
    t.same(largestRemainder([2, 9, 59], 100), [3, 13, 84]);
    fc.assert(
      fc.property(countsArb, (counts) => {
        const copy = [...counts];
        const first = largestRemainder(counts);
        const second = largestRemainder(counts);
        return first.join() === second.join() && copy.join() === counts.join();
      }),
    );
  });

  t.test('the 2013 workshop (70 registrations) gives 38/26/14/13/3/6', async (t) => {
    // Exact quotas: 38.57, 25.71, 14.29, 12.86, 2.86, 5.71 → floors sum to 96; the 4 missing units go
    // to the remainders .857 (9), .857 (2), .714 (18), .714 (4). 38.57 keeps 38: rounding each share on
    // its own would give 39 + 26 + 14 + 13 + 3 + 6 = 101.
    t.same(largestRemainder([27, 18, 10, 9, 2, 4]), [38, 26, 14, 13, 3, 6]);
  });

  t.test('edge cases', async (t) => {
    t.same(largestRemainder([]), []);
    t.same(largestRemainder([0, 0, 0]), [0, 0, 0]);
    t.same(largestRemainder([0, 5, 0]), [0, 100, 0]);
    t.same(largestRemainder([7]), [100]);
    t.same(largestRemainder([1, 2], 0), [0, 0]);
    t.same(largestRemainder([Number.MAX_SAFE_INTEGER, 1]), [100, 0], 'no precision loss on huge counts');
    t.throws(() => largestRemainder([1, -1]), RangeError);
    t.throws(() => largestRemainder([1.5]), RangeError);
    t.throws(() => largestRemainder([Number.NaN]), RangeError);
    t.throws(() => largestRemainder([1], -100), RangeError);
  });
});

t.test('French and English number formatting', async (t) => {
  t.equal(NNBSP, '\u202F');
  t.equal(formatPercentFr(39), '39\u202F%');
  t.equal(formatPercentFr(0), '0\u202F%');
  t.equal(formatPercentFr(100), '100\u202F%');
  t.equal(formatPercentFr(12.5), '12,5\u202F%', 'decimal comma');
  t.equal(formatPercentFrPlain(39), '39 %');
  t.equal(formatPercentEn(39), '39%');
  t.equal(formatNumberFr(1234567), '1\u202F234\u202F567');
  t.equal(formatNumberFr(999), '999');
  t.equal(formatNumberEn(1234567), '1,234,567');
  t.equal(formatNumberFr(-1234.5), '-1\u202F234,5');
  t.notMatch(formatPercentFr(39), / /, 'never an ordinary (breakable) space');
});

t.test('French pluralisation and elision', async (t) => {
  const expected: Record<string, string> = {
    'Travailleur social': 'travailleurs sociaux',
    Association: 'associations',
    'Bailleur social': 'bailleurs sociaux',
    Collectivité: 'collectivités',
    "Fournisseur d'énergie": "fournisseurs d'énergie",
    Institution: 'institutions',
    Autre: 'autres',
    'Centre communal d’action sociale': 'centres communaux d’action sociale',
    'Élu et agent': 'élus et agents',
    'Conseiller en énergie': 'conseillers en énergie',
    'Agent de la ville': 'agents de la ville',
    'Hôpital local': 'hôpitaux locaux',
    'Bureau d’études': 'bureaux d’études',
    'Travail social': 'travaux sociaux',
    Festival: 'festivals',
    Portail: 'portails',
    Bijou: 'bijoux',
    Pneu: 'pneus',
    'Non-adhérent': 'non-adhérents',
    Associations: 'associations',
    Prix: 'prix',
    CCAS: 'CCAS',
    EPCI: 'EPCI',
    'Organisme HLM': 'organismes HLM',
    'Autre (précisez)': 'autres (précisez)',
    '  Association  ': 'associations',
  };
  for (const [label, plural] of Object.entries(expected)) t.equal(pluralizeLabelFr(label), plural, label);
  t.equal(pluralizeWordFr('Social'), 'Sociaux', 'keeps case');
  t.equal(pluralizeWordFr(''), '');

  t.equal(deFr('associations'), "d'associations");
  t.equal(deFr('travailleurs sociaux'), 'de travailleurs sociaux');
  t.equal(deFr('élus'), "d'élus", 'accented vowel');
  t.equal(deFr('habitants'), "d'habitants", 'mute h');
  t.equal(deFr('hôpitaux'), "d'hôpitaux", 'mute h, accented');
  t.equal(deFr('handicapés'), 'de handicapés', 'aspirated h');
  t.equal(deFr('hauts fonctionnaires'), 'de hauts fonctionnaires', 'aspirated h');
  t.equal(deFr('yaourts'), 'de yaourts', 'y before a vowel');
  t.equal(deFr('EPCI'), "d'EPCI");
  t.equal(deFr('CCAS'), 'de CCAS');
  t.ok(elidesFr('œuvres'));
  t.notOk(elidesFr('collectivités'));
});

t.test('breakdown', async (t) => {
  const fromRecord = breakdown(COUNTS_2013, TYPES);
  t.equal(fromRecord.total, 70);
  t.same(
    fromRecord.rows.map((row) => [row.key, row.label, row.count, row.percent]),
    [
      ['travailleur-social', 'Travailleur social', 27, 38],
      ['association', 'Association', 18, 26],
      ['bailleur-social', 'Bailleur social', 10, 14],
      ['collectivite', 'Collectivité', 9, 13],
      ['fournisseur-energie', "Fournisseur d'énergie", 2, 3],
      ['institution', 'Institution', 0, 0],
      ['autre', 'Autre', 4, 6],
    ],
    'in the order of the event types, zero rows kept',
  );

  // The same data as one item per registration, shuffled.
  const items = Object.entries(COUNTS_2013).flatMap(([key, count]) => Array.from({ length: count }, () => ({ key })));
  items.reverse();
  t.same(breakdown(items, TYPES), fromRecord, 'items and pre-aggregated counts agree');

  const withUnknown = breakdown(
    [{ key: 'zeta' }, { key: 'association' }, { key: 'ancien-type' }, { key: 'zeta' }],
    TYPES,
  );
  t.same(
    withUnknown.rows.slice(-2).map((row) => [row.key, row.label, row.count, row.known]),
    [
      ['ancien-type', 'ancien-type', 1, false],
      ['zeta', 'zeta', 2, false],
    ],
    'unknown keys at the end, each under its own key, sorted',
  );
  t.equal(withUnknown.total, 4);
  t.equal(sum(withUnknown.rows.map((row) => row.percent)), 100);
  t.ok(withUnknown.rows.slice(0, TYPES.length).every((row) => row.known));

  const empty = breakdown([], TYPES);
  t.equal(empty.total, 0);
  t.ok(empty.rows.every((row) => row.count === 0 && row.percent === 0));
  t.equal(empty.rows.length, TYPES.length);

  t.same(
    breakdown({ a: 1 }, [
      { key: 'a', label: 'A' },
      { key: 'a', label: 'A bis' },
    ]).rows,
    [{ key: 'a', label: 'A', count: 1, percent: 100, known: true }],
    'duplicate type keys are not counted twice',
  );
  t.throws(() => breakdown({ a: -1 }, TYPES), RangeError);

  fc.assert(
    fc.property(
      fc.array(fc.constantFrom(...TYPES.map((type) => type.key), 'inconnu', 'x'), { minLength: 1, maxLength: 200 }),
      (keys) => {
        const result = breakdown(
          keys.map((key) => ({ key })),
          TYPES,
        );
        return (
          result.total === keys.length &&
          sum(result.rows.map((row) => row.count)) === keys.length &&
          sum(result.rows.map((row) => row.percent)) === 100
        );
      },
    ),
  );
});

t.test('report sentences', async (t) => {
  const { total, rows } = breakdown(COUNTS_2013, TYPES);
  t.equal(
    reportSentenceFr(total, rows),
    "70 participants, dont 38\u202F% de travailleurs sociaux, 26\u202F% d'associations, 14\u202F% de bailleurs sociaux, " +
      "13\u202F% de collectivités, 6\u202F% d'autres, 3\u202F% de fournisseurs d'énergie",
    'the 2013 report: sorted by count, zero rows omitted, no trailing ellipsis',
  );
  t.equal(
    reportSentenceEn(total, rows),
    "70 participants: Travailleur social 38%, Association 26%, Bailleur social 14%, Collectivité 13%, Autre 6%, Fournisseur d'énergie 3%",
  );

  const tied = breakdown({ collectivite: 2, association: 2, autre: 1 }, TYPES);
  t.equal(
    reportSentenceFr(tied.total, tied.rows, 'inscrits'),
    "5 inscrits, dont 40\u202F% d'associations, 40\u202F% de collectivités, 20\u202F% d'autres",
    'ties by label; custom noun',
  );

  t.equal(reportSentenceFr(0, breakdown([], TYPES).rows), '0 participant', 'French: 0 is singular');
  t.equal(reportSentenceEn(0, breakdown([], TYPES).rows), '0 participants');
  const one = breakdown([{ key: 'association' }], TYPES);
  t.equal(reportSentenceFr(one.total, one.rows), "1 participant, dont 100\u202F% d'associations");
  t.equal(
    reportSentenceEn(one.total, one.rows, { one: 'attendee', other: 'attendees' }),
    '1 attendee: Association 100%',
  );

  const big = breakdown({ association: 1499, autre: 1 }, TYPES);
  t.equal(
    reportSentenceFr(big.total, big.rows),
    "1\u202F500 participants, dont 100\u202F% d'associations, moins de 1\u202F% d'autres",
    'a non-zero share rounded to 0 is not printed as 0 %',
  );
  t.equal(reportSentenceEn(big.total, big.rows), '1,500 participants: Association 100%, Autre <1%');
});
