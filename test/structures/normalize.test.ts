import fc from 'fast-check';
import t from 'tap';
import { normalizeStructureName } from '../../src/structures/normalize.js';
import { isValidSiret } from '../../src/structures/structure-rules.js';
import { boundedDistance, suggestMerges } from '../../src/structures/suggestions.js';
import { epciOfCommune, findCommune, findDepartment, findEpci, searchCommunes } from '../../src/territory/territory.js';

t.test('the three spellings of the CCAS of Angers give one key', async (t) => {
  const keys = ['CCAS Angers', "C.C.A.S. d'Angers", "Centre communal d'action sociale d'Angers"].map(
    normalizeStructureName,
  );
  t.same(keys, ['ccas angers', 'ccas angers', 'ccas angers']);
  t.equal(normalizeStructureName('Centre Communal d’Action Sociale (ANGERS)'), 'ccas angers', 'curly apostrophe');
});

t.test('the usual acronyms and their long forms meet', async (t) => {
  const same: [string, string][] = [
    ['CIAS Loire Layon', "Centre intercommunal d'action sociale Loire-Layon"],
    ['CAF 49', "Caisse d'allocations familiales 49"],
    ['MSA Maine-et-Loire', 'Mutualité sociale agricole du Maine et Loire'],
    ['UDAF 49', 'Union départementale des associations familiales 49'],
    ['CLCV', 'Consommation, logement et cadre de vie'],
    ['EIE Angers', 'Espace Info Énergie Angers'],
    ['E.I.E. Angers', 'Espace Infos Energie Angers'],
    ['ADIL 49', "Agence départementale d'information sur le logement 49"],
    ['OPH Angers', "Office public de l'habitat d'Angers"],
    ['Le Secours Populaire', 'Secours populaire'],
  ];
  for (const [a, b] of same) t.equal(normalizeStructureName(a), normalizeStructureName(b), `${a} = ${b}`);
  t.not(normalizeStructureName('CCAS Angers'), normalizeStructureName('CCAS Avrillé'), 'another town, another key');
});

const names = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc
    .array(
      fc.constantFrom('C.C.A.S.', "d'", 'Angers', 'de la', 'Énergie', 'Espace', 'info', 'Centre', 'communal', 'action'),
      { maxLength: 8 },
    )
    .map((words) => words.join(' ')),
);

t.test('property: idempotent, and blind to case and accents', async () => {
  fc.assert(
    fc.property(names, (name) => {
      const key = normalizeStructureName(name);
      return (
        normalizeStructureName(key) === key &&
        normalizeStructureName(name.toUpperCase()) === normalizeStructureName(name.toLowerCase()) &&
        normalizeStructureName(name.normalize('NFD')) === key
      );
    }),
    { numRuns: 500 },
  );
  fc.assert(
    fc.property(fc.constantFrom('é', 'è', 'ê', 'à', 'ç', 'ô'), (accent) => {
      const plain = accent.normalize('NFD')[0] as string;
      return normalizeStructureName(`Mairie ${accent}x`) === normalizeStructureName(`MAIRIE ${plain}X`);
    }),
  );
});

t.test('a long hostile name is handled in linear time', async (t) => {
  const hostile = `${'C.'.repeat(50_000)}${"d'".repeat(50_000)}${'a '.repeat(50_000)}`;
  const key = normalizeStructureName(hostile);
  t.ok(key.length <= 255);
});

t.test('SIRET: the Luhn check', async (t) => {
  t.ok(isValidSiret('73282932000074'));
  t.notOk(isValidSiret('73282932000075'), 'one digit off');
  t.notOk(isValidSiret('7328293200007'), '13 digits');
  t.notOk(isValidSiret('7328293200007a'), 'a letter');
});

t.test('suggested merges: same key, words in another order, a typo', async (t) => {
  const c = (id: number, name: string, registrations = 1) => ({
    id,
    name,
    normalizedKey: normalizeStructureName(name),
    registrations,
  });
  const suggestions = suggestMerges([
    c(1, 'CCAS Angers', 3),
    c(2, "C.C.A.S. d'Angers", 5),
    c(3, 'Angers CCAS'),
    c(4, 'Soliha Maine-et-Loire'),
    c(5, 'Solliha Maine-et-Loire'),
    c(6, 'Secours catholique'),
    c(7, 'ADIL 49'),
    c(8, 'ADIL 44'),
  ]);
  t.equal(suggestions[0]?.reason, 'close_key');
  const groups = suggestions.map((s) => s.structures.map((x) => x.id).sort());
  t.same(groups, [
    [1, 2, 3],
    [4, 5],
  ]);
  t.equal(suggestions[0]?.structures[0]?.id, 2, 'the most used first: the likely survivor');
  t.equal(boundedDistance('kitten', 'sitting', 3), 3);
  t.equal(boundedDistance('kitten', 'sitting', 1), 2, 'stopped early past the bound');
});

t.test('territory: communes, EPCI and departments from the official dataset', async (t) => {
  t.same(findCommune('49007'), {
    code: '49007',
    name: 'Angers',
    postcodes: ['49000', '49100'],
    departmentCode: '49',
    epciCode: '244900015',
  });
  t.equal(findCommune('99999'), undefined);
  t.equal(findEpci('244900015')?.name, 'CU Angers Loire Métropole');
  t.equal(epciOfCommune('49007')?.code, '244900015');
  t.same(findDepartment('49'), { code: '49', name: 'Maine-et-Loire' });
  t.equal(searchCommunes('angers', 5)[0]?.name, 'Angers');
  t.ok(
    searchCommunes('49000', 10).some((commune) => commune.code === '49007'),
    'by postcode',
  );
  t.equal(searchCommunes('SAINT BARTHELEMY D ANJOU', 1)[0]?.code, '49267', 'accents and case ignored');
  t.ok(searchCommunes('4', 300).length <= 200, 'bounded');
  t.same(searchCommunes('', 10), []);
});
