import fc from 'fast-check';
import t from 'tap';
import type { MeetingRegistration, MeetingState } from '../../src/network/network-meetings.js';
import {
  type NetworkInput,
  type StatRegistration,
  type TerritoryLookup,
  networkStatistics,
} from '../../src/network/network-stats.js';

// A hand-made territory (the real one is src/territory): three communes of Maine-et-Loire.
const COMMUNES: Record<string, { name: string; epci: string }> = {
  '49007': { name: 'Angers', epci: '244900015' },
  '49353': { name: 'Trélazé', epci: '244900015' },
  '49328': { name: 'Saumur', epci: '200071876' },
};
const EPCIS: Record<string, string> = {
  '244900015': 'CU Angers Loire Métropole',
  '200071876': 'CA Saumur Val de Loire',
};
const territory: TerritoryLookup = {
  commune: (code) =>
    COMMUNES[code] ? { code, name: COMMUNES[code].name, departmentCode: '49', epciCode: COMMUNES[code].epci } : null,
  epci: (code) => (EPCIS[code] ? { code, name: EPCIS[code] } : null),
  department: (code) => (code === '49' ? { code, name: 'Maine-et-Loire' } : null),
};
const LABELS: Record<string, string> = {
  'travailleur-social': 'Travailleur social',
  association: 'Association',
  'bailleur-social': 'Bailleur social',
  'fournisseur-energie': "Fournisseur d'énergie",
  collectivite: 'Collectivité',
  autre: 'Autre',
  social: 'Social',
  economique: 'Économique',
  technique: 'Technique',
};
const labels = { structureType: (k: string) => LABELS[k] ?? k, side: (k: string) => LABELS[k] ?? k };

const reg = (
  eventId: number,
  structureId: number | null,
  structureType: string,
  side: string,
  status: StatRegistration['status'] = 'confirmed',
  checkedIn = false,
): StatRegistration => ({ eventId, structureId, structureType, side, status, checkedIn });

/**
 * 2021: the workshop (e1). 2022: the workshop (e2) and a working group (e3). 2023: the workshop (e4)
 * and a draft (e5, not held). Structures: 1 CCAS (no own type: its people's), 2 Alisée, 3 Podeliha,
 * 4 EDF (no commune), 5 Ville de Saumur.
 */
const network: NetworkInput = {
  events: [
    { id: 1, year: 2021, title: 'Atelier 2021', held: true, workingGroup: false },
    { id: 2, year: 2022, title: 'Atelier 2022', held: true, workingGroup: false },
    { id: 3, year: 2022, title: 'Groupe guide répertoire', held: true, workingGroup: true },
    { id: 4, year: 2023, title: 'Atelier 2023', held: true, workingGroup: false },
    { id: 5, year: 2023, title: 'Brouillon', held: false, workingGroup: true },
  ],
  structures: [
    { id: 1, name: 'CCAS Angers', structureType: null, side: null, communeCode: '49007' },
    { id: 2, name: 'Alisée', structureType: 'association', side: 'technique', communeCode: '49007' },
    { id: 3, name: 'Podeliha', structureType: 'bailleur-social', side: 'social', communeCode: '49353' },
    { id: 4, name: 'EDF', structureType: 'fournisseur-energie', side: 'economique', communeCode: null },
    { id: 5, name: 'Ville de Saumur', structureType: 'collectivite', side: 'social', communeCode: '49328' },
  ],
  registrations: [
    reg(1, 1, 'travailleur-social', 'social', 'confirmed', true),
    reg(1, 1, 'travailleur-social', 'social'),
    reg(1, 1, 'autre', 'economique', 'waitlisted'),
    reg(1, 2, 'association', 'technique', 'confirmed', true),
    reg(1, 3, 'bailleur-social', 'social', 'cancelled'),
    reg(1, null, 'autre', 'economique', 'confirmed', true),
    reg(2, 1, 'travailleur-social', 'social', 'waitlisted'),
    reg(2, 3, 'bailleur-social', 'social', 'confirmed', true),
    reg(2, 4, 'fournisseur-energie', 'economique', 'confirmed', true),
    reg(3, 2, 'association', 'technique', 'confirmed', true),
    reg(3, 3, 'bailleur-social', 'social', 'confirmed', true),
    reg(3, 3, 'bailleur-social', 'social'),
    reg(4, 5, 'collectivite', 'social', 'confirmed', true),
    reg(4, 1, 'travailleur-social', 'social', 'confirmed', true),
    reg(5, 2, 'association', 'technique'),
  ],
};

const all = networkStatistics(network, { from: 2000, to: 2100 }, labels, territory);
const shares = (rows: { key: string; count: number; percent: number }[]) =>
  rows.map((r) => [r.key, r.count, r.percent]);
const placesOf = (rows: { code: string; name: string; structures: number }[]) =>
  rows.map((r) => [r.name, r.structures]);

t.test('one row per year with an event held', async (t) => {
  t.same(
    all.map((y) => y.year),
    [2021, 2022, 2023],
  );
});

t.test('2021: the first year, every structure is new', async (t) => {
  const y = all[0];
  t.same([y.events, y.registered, y.present, y.structures, y.newStructures, y.returningStructures], [1, 5, 3, 2, 2, 0]);
  // The CCAS has no type of its own: its people's most frequent (2 social workers, 1 "autre").
  t.same(shares(y.byStructureType), [
    ['association', 1, 50],
    ['travailleur-social', 1, 50],
  ]);
  t.same(shares(y.bySide), [
    ['social', 1, 50],
    ['technique', 1, 50],
  ]);
  t.same(placesOf(y.byCommune), [['Angers', 2]]);
  t.same(placesOf(y.byEpci), [['CU Angers Loire Métropole', 2]]);
  t.same(placesOf(y.byDepartment), [['Maine-et-Loire', 2]]);
  t.same(y.workingGroups, []);
});

t.test('2022: a cancelled registration the year before does not make a structure returning', async (t) => {
  const y = all[1];
  t.same([y.events, y.registered, y.present, y.structures, y.newStructures, y.returningStructures], [2, 6, 4, 4, 2, 2]);
  t.same(shares(y.byStructureType), [
    ['association', 1, 25],
    ['bailleur-social', 1, 25],
    ['fournisseur-energie', 1, 25],
    ['travailleur-social', 1, 25],
  ]);
  t.same(shares(y.bySide), [
    ['social', 2, 50],
    ['economique', 1, 25],
    ['technique', 1, 25],
  ]);
  t.same(placesOf(y.byCommune), [
    ['Angers', 2],
    ['Trélazé', 1],
  ]);
  t.equal(y.withoutCommune, 1, 'EDF has no commune');
  t.same(placesOf(y.byEpci), [['CU Angers Loire Métropole', 3]]);
  t.same(placesOf(y.byDepartment), [['Maine-et-Loire', 3]]);
  t.same(y.workingGroups, [
    { id: 2, name: 'Alisée', meetings: 1 },
    { id: 3, name: 'Podeliha', meetings: 1 },
  ]);
});

t.test('2023: a draft is not held; one new and one returning structure', async (t) => {
  const y = all[2];
  t.same([y.events, y.registered, y.present, y.structures, y.newStructures, y.returningStructures], [1, 2, 2, 2, 1, 1]);
  t.same(shares(y.byStructureType), [
    ['collectivite', 1, 50],
    ['travailleur-social', 1, 50],
  ]);
  t.same(shares(y.bySide), [['social', 2, 100]]);
  t.same(placesOf(y.byCommune), [
    ['Angers', 1],
    ['Saumur', 1],
  ]);
  t.same(placesOf(y.byEpci), [
    ['CA Saumur Val de Loire', 1],
    ['CU Angers Loire Métropole', 1],
  ]);
  t.same(y.workingGroups, []);
});

t.test('years before the range still tell returning structures from new ones', async (t) => {
  const later = networkStatistics(network, { from: 2022, to: 2022 }, labels, territory);
  t.same(
    later.map((y) => [y.year, y.newStructures, y.returningStructures]),
    [[2022, 2, 2]],
  );
});

t.test('working groups: attendance per meeting, and present when at one meeting at least', async (t) => {
  // 2024: a cycle of three meetings (e10) and a one-day working group with two plenaries (e11); the workshop (e12).
  const meetings = (ids: number[], days: string[]) =>
    ids.map((id, i) => ({ id, title: `Réunion ${i + 1}`, startsAt: `${days[i]}T08:00:00.000Z` }));
  type Attended = NonNullable<MeetingRegistration['attendance']>;
  const at = (sessionId: number, state: MeetingState) => ({ sessionId, state });
  const r = (eventId: number, status: StatRegistration['status'], checkedIn: boolean, attendance: Attended = []) => ({
    ...reg(eventId, 2, 'association', 'technique', status, checkedIn),
    attendance,
  });
  const input: NetworkInput = {
    events: [
      {
        ...{ id: 10, year: 2024, title: 'Cycle précarité', held: true, workingGroup: true, cycle: true },
        meetings: meetings([101, 102, 103], ['2024-03-12', '2024-04-16', '2024-06-11']),
        timezone: 'Europe/Paris',
      },
      {
        ...{ id: 11, year: 2024, title: 'Groupe guide', held: true, workingGroup: true, cycle: false },
        meetings: meetings([111, 112], ['2024-02-20', '2024-02-20']),
      },
      {
        id: 12,
        year: 2024,
        title: 'Atelier 2024',
        held: true,
        workingGroup: false,
        meetings: meetings([121], ['2024-11-15']),
      },
    ],
    structures: network.structures,
    registrations: [
      r(10, 'confirmed', true, [at(101, 'present'), at(102, 'excused')]),
      r(10, 'confirmed', true, [at(101, 'absent'), at(102, 'present'), at(103, 'absent')]),
      r(10, 'confirmed', false),
      // Present at one meeting though not checked in (recorded some other way): came all the same.
      r(10, 'confirmed', false, [at(103, 'present')]),
      // Checked in at the door of a cycle, nothing recorded per meeting: came, but at no meeting in particular.
      r(10, 'confirmed', true),
      r(10, 'waitlisted', false),
      r(10, 'cancelled', false, [at(101, 'present')]),
      // The one-day group: checked in at the door with nothing recorded counts at every meeting.
      r(11, 'confirmed', true),
      r(11, 'confirmed', false),
      r(11, 'confirmed', false, [at(111, 'absent')]),
      r(12, 'confirmed', true),
      r(12, 'confirmed', false),
    ],
  };
  const [y] = networkStatistics(input, { from: 2024, to: 2024 }, labels, territory);
  // Registered: 6 + 3 + 2 (the cancelled one out). Present: 2 + 1 + 1 + 1 (cycle), 1 (one-day), 1 (workshop).
  t.same([y.events, y.registered, y.present], [3, 11, 6]);
  const counts = (e: (typeof y.workingGroupEvents)[number]) =>
    e.meetings.map((m) => [m.sessionId, m.expected, m.excused, m.present, m.absent]);
  t.same(
    y.workingGroupEvents.map((e) => [e.id, e.title, e.cycle, e.timezone]),
    [
      [11, 'Groupe guide', false, 'UTC'],
      [10, 'Cycle précarité', true, 'Europe/Paris'],
    ],
    'the working groups only, by their first meeting',
  );
  t.same(counts(y.workingGroupEvents[0]), [
    [111, 1, 0, 1, 1],
    [112, 2, 0, 1, 0],
  ]);
  t.same(counts(y.workingGroupEvents[1]), [
    [101, 3, 0, 1, 1],
    [102, 3, 1, 1, 0],
    [103, 3, 0, 1, 1],
  ]);
  t.same(y.workingGroupEvents[1].meetings[0], {
    ...{ sessionId: 101, title: 'Réunion 1', startsAt: '2024-03-12T08:00:00.000Z' },
    ...{ expected: 3, excused: 0, present: 1, absent: 1 },
  });
  t.same(all[1].workingGroupEvents, [
    { id: 3, title: 'Groupe guide répertoire', timezone: 'UTC', cycle: false, meetings: [] },
  ]);
});

t.test('on any network: new + returning = reached, breakdowns add up, percents sum to 100', async (t) => {
  const registration = fc.record({
    eventId: fc.integer({ min: 1, max: 6 }),
    structureId: fc.option(fc.integer({ min: 1, max: 8 })),
    structureType: fc.constantFrom('a', 'b', 'c'),
    side: fc.constantFrom('x', 'y'),
    status: fc.constantFrom('confirmed' as const, 'waitlisted' as const, 'cancelled' as const),
    checkedIn: fc.boolean(),
    attendance: fc.array(
      fc.record({
        sessionId: fc.constantFrom(11, 12, 21, 22, 31),
        state: fc.constantFrom('expected' as const, 'excused' as const, 'present' as const, 'absent' as const),
      }),
      { maxLength: 2 },
    ),
  });
  fc.assert(
    fc.property(fc.array(registration, { maxLength: 80 }), (registrations) => {
      const input: NetworkInput = {
        events: [1, 2, 3, 4, 5, 6].map((id) => ({
          id,
          year: 2020 + (id % 3),
          title: `E${id}`,
          held: id !== 6,
          workingGroup: id % 2 === 0,
          cycle: id % 4 === 0,
          meetings: [id * 10 + 1, id * 10 + 2].map((m) => ({
            id: m,
            title: `M${m}`,
            startsAt: '2020-01-01T00:00:00Z',
          })),
        })),
        structures: [1, 2, 3, 4, 5, 6, 7, 8].map((id) => ({
          id,
          name: `S${id}`,
          structureType: id % 2 ? null : 'b',
          side: null,
          communeCode: id % 3 ? '49007' : null,
        })),
        registrations,
      };
      const years = networkStatistics(input, { from: 2000, to: 2100 }, labels, territory);
      for (const y of years) {
        if (y.newStructures + y.returningStructures !== y.structures) return false;
        for (const rows of [y.byStructureType, y.bySide]) {
          if (rows.reduce((s, r) => s + r.count, 0) !== y.structures) return false;
          if (y.structures > 0 && rows.reduce((s, r) => s + r.percent, 0) !== 100) return false;
        }
        const placed = y.byDepartment.reduce((s, r) => s + r.structures, 0);
        if (placed + y.withoutCommune !== y.structures) return false;
        if (y.present > y.registered) return false;
        // Every confirmed person of a working group is in exactly one state at each of its meetings.
        for (const e of y.workingGroupEvents) {
          const confirmed = registrations.filter((r) => r.eventId === e.id && r.status === 'confirmed').length;
          for (const m of e.meetings) if (m.expected + m.excused + m.present + m.absent !== confirmed) return false;
        }
      }
      // A structure is new exactly once: the new ones over all years are every structure ever reached.
      const reached = new Set(
        registrations.filter((r) => r.status !== 'cancelled' && r.eventId !== 6).map((r) => r.structureId),
      );
      reached.delete(null);
      return years.reduce((s, y) => s + y.newStructures, 0) === reached.size;
    }),
  );
  t.pass('checked on random networks');
});
