/**
 * The network part of the demo (`npm run demo`): last year's edition of the annual workshop, held,
 * with attendance; a working group's meeting; and people registered to this year's edition (the demo
 * event of src/demo.ts), from structures of Maine-et-Loire, some returning and some new, a few of
 * them with a validated card in the directory. Fictional people; loaded once.
 */
import type { EntityManager } from '@mikro-orm/core';
import { adoptOwnerlessEvents } from './access/access.service.js';
import { DEMO_SLUG, demoEventInput } from './demo.js';
import { Event } from './events/event.entity.js';
import { createEvent, findEventBySlug } from './events/event.service.js';
import { DEFAULT_STRUCTURE_TYPES } from './events/structure-types.js';
import { Registration } from './registrations/registration.entity.js';
import { newToken } from './registrations/registration.service.js';
import { Structure } from './structures/structure.entity.js';
import { normalizeStructureName } from './structures/normalize.js';

export const DEMO_SERIES = 'atelier-solidarite';
export const PREVIOUS_SLUG = 'atelier-de-la-solidarite-precedent';
export const WORKING_GROUP_SLUG = 'groupe-de-travail-guide-repertoire';

interface DemoStructure {
  name: string;
  type: string;
  commune: string | null;
  /** Card in the directory: 'validated', 'waiting' (consented, not validated yet) or none. */
  card?: 'validated' | 'waiting';
  missions?: string;
  contact?: string;
  website?: string;
  /** People of this structure at last year's workshop, the working group, this year's workshop. */
  people: [previous: number, group: number, current: number];
}

const STRUCTURES: DemoStructure[] = [
  {
    name: "CCAS d'Angers",
    type: 'collectivite',
    commune: '49007',
    card: 'validated',
    missions:
      "Accueil et accompagnement des ménages en difficulté pour payer leurs factures d'énergie : aides financières, médiation avec les fournisseurs, orientation vers un diagnostic du logement.",
    contact: 'Accueil du CCAS, 02 41 05 49 49',
    website: 'https://www.angers.fr',
    people: [6, 2, 5],
  },
  {
    name: 'Alisée',
    type: 'association',
    commune: '49007',
    card: 'validated',
    missions:
      "Espace conseil France Rénov' : visites à domicile, conseils pour réduire ses consommations, accompagnement des travaux de rénovation.",
    contact: 'contact@alisee.org',
    website: 'https://www.alisee.org',
    people: [3, 2, 3],
  },
  { name: 'Podeliha', type: 'bailleur-social', commune: '49007', people: [2, 0, 2] },
  { name: 'Angers Loire Habitat', type: 'bailleur-social', commune: '49007', people: [3, 0, 0] },
  {
    name: 'CCAS de Trélazé',
    type: 'collectivite',
    commune: '49353',
    card: 'validated',
    missions: "Aides facultatives à l'énergie et repérage des situations de précarité lors des permanences sociales.",
    contact: 'ccas@mairie-trelaze.fr',
    people: [2, 0, 2],
  },
  {
    name: "CCAS d'Avrillé",
    type: 'collectivite',
    commune: '49015',
    card: 'waiting',
    missions: 'Accompagnement budgétaire des familles.',
    people: [0, 0, 2],
  },
  {
    name: 'Maison départementale des solidarités Angers Est',
    type: 'institution',
    commune: '49007',
    people: [4, 1, 0],
  },
  { name: 'EDF Solidarité', type: 'fournisseur-energie', commune: null, people: [1, 0, 1] },
  {
    name: 'CCAS de Saumur',
    type: 'collectivite',
    commune: '49328',
    card: 'validated',
    missions: "Fonds de solidarité énergie, aides d'urgence et ateliers « éco-gestes » pour les familles.",
    contact: '02 41 83 31 31',
    website: 'www.ville-saumur.fr',
    people: [0, 0, 2],
  },
  { name: 'CCAS de Cholet', type: 'collectivite', commune: '49099', card: 'waiting', people: [0, 0, 2] },
  { name: 'CAF de Maine-et-Loire', type: 'institution', commune: '49007', people: [2, 0, 0] },
  {
    name: 'Secours catholique Maine-et-Loire',
    type: 'association',
    commune: '49007',
    card: 'validated',
    missions: 'Accueil de personnes en précarité, aide aux démarches et petits équipements pour économiser l’énergie.',
    contact: 'maineetloire@secours-catholique.org',
    people: [3, 1, 0],
  },
  {
    name: 'Soliha Maine-et-Loire',
    type: 'association',
    commune: '49007',
    card: 'validated',
    missions:
      "Diagnostics de logements énergivores et montage des dossiers d'aides aux travaux pour les propriétaires modestes.",
    website: 'https://soliha.fr',
    people: [0, 0, 2],
  },
];

const FIRST = ['Claire', 'Karim', 'Sophie', 'Julien', 'Nadia', 'Thomas', 'Élise', 'Mamadou', 'Léa', 'Hugo'];
const LAST = ['Martin', 'Bernard', 'Petit', 'Durand', 'Leroy', 'Moreau', 'Simon', 'Laurent', 'Michel', 'Garcia'];

/** The type a person of the structure gives: social workers for the CCAS and the department. */
function personType(structure: DemoStructure, n: number): string {
  if ((structure.type === 'collectivite' || structure.type === 'institution') && n % 2 === 0)
    return 'travailleur-social';
  return structure.type;
}

function shifted(input: ReturnType<typeof demoEventInput>, years: number, slug: string, title: string) {
  const move = (d: Date | null) =>
    d
      ? new Date(
          Date.UTC(d.getUTCFullYear() - years, d.getUTCMonth(), d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes()),
        )
      : null;
  return {
    ...input,
    slug,
    title,
    status: 'closed' as const,
    series: DEMO_SERIES,
    startsAt: move(input.startsAt) as Date,
    endsAt: move(input.endsAt) as Date,
    registrationClosesAt: move(input.registrationClosesAt ?? null),
    sessions: (input.sessions ?? []).map((s) => ({
      ...s,
      startsAt: move(s.startsAt) as Date,
      endsAt: move(s.endsAt) as Date,
    })),
  };
}

/**
 * Loads the network demo once, next to the demo event (which must exist: loadDemo first). Returns
 * false when it was already there.
 */
export async function loadNetworkDemo(em: EntityManager, now = new Date()): Promise<boolean> {
  if (await findEventBySlug(em, PREVIOUS_SLUG)) return false;
  const current = await findEventBySlug(em, DEMO_SLUG);
  if (!current) throw new Error('load the demo event first (loadDemo)');
  const input = demoEventInput(now);
  const previous = await createEvent(
    em,
    shifted(
      input,
      1,
      PREVIOUS_SLUG,
      "Atelier de la solidarité de l'an dernier : repérer les ménages en précarité énergétique",
    ),
  );
  const meetingStart = new Date(previous.startsAt.getTime() - 150 * 24 * 3600_000);
  const meeting = await createEvent(em, {
    title: 'Groupe de travail : le guide répertoire des acteurs',
    slug: WORKING_GROUP_SLUG,
    description: 'Réunion du groupe de travail qui rédige le guide répertoire des acteurs et de leurs missions.',
    venue: "CCAS d'Angers",
    address: 'Angers (49)',
    timezone: input.timezone,
    startsAt: meetingStart,
    endsAt: new Date(meetingStart.getTime() + 2 * 3600_000),
    capacity: 20,
    status: 'closed',
    registrationOpensAt: null,
    registrationClosesAt: null,
    structureTypes: DEFAULT_STRUCTURE_TYPES.map((t) => ({ ...t })),
    series: 'groupe-guide-repertoire',
    // One meeting: the network page counts its attendance (checked in at the door, nothing per meeting).
    sessions: [
      {
        kind: 'plenary',
        title: 'Réunion du groupe',
        room: "Salle du conseil, CCAS d'Angers",
        startsAt: meetingStart,
        endsAt: new Date(meetingStart.getTime() + 2 * 3600_000),
      },
    ],
  });
  const live = await em.findOneOrFail(Event, { id: current.id });
  live.series = DEMO_SERIES;

  let person = 0;
  const at = new Date();
  for (const s of STRUCTURES) {
    const structure = em.create(Structure, {
      name: s.name,
      normalizedKey: normalizeStructureName(s.name),
      structureType: s.type,
      side: null,
      communeCode: s.commune,
      siret: null,
      website: s.website ?? null,
      publicContact: s.contact ?? null,
      missions: s.missions ?? null,
      directoryConsent: s.card !== undefined,
      directoryValidatedAt: s.card === 'validated' ? at : null,
      mergedInto: null,
      mergedRegistrationIds: null,
      createdAt: at,
      updatedAt: at,
    });
    const events: [Event, boolean][] = [
      [previous, true],
      [meeting, true],
      [live, false],
    ];
    events.forEach(([event, held], index) => {
      for (let i = 0; i < s.people[index]; i++) {
        const n = person++;
        const first = FIRST[n % FIRST.length];
        const last = LAST[Math.floor(n / FIRST.length) % LAST.length];
        const email = `${first
          .toLowerCase()
          .normalize('NFKD')
          .replace(/[\u0300-\u036f]/g, '')}.${last.toLowerCase()}${n}@exemple.fr`;
        em.create(Registration, {
          event,
          token: newToken(),
          firstName: first,
          lastName: last,
          email,
          emailKey: email,
          organisation: s.name,
          structureType: personType(s, i),
          structure,
          directoryConsent: s.card !== undefined && i === 0,
          side: null,
          status: 'confirmed',
          answers: {},
          group: null,
          locale: 'fr',
          // Last year: most came (one in five did not).
          checkedInAt: held && n % 5 !== 4 ? event.startsAt : null,
          consentAt: at,
          consentRecordedBy: null,
          createdAt: at,
          updatedAt: at,
        });
        event.confirmedCount += 1;
      }
    });
  }
  await em.flush();
  await adoptOwnerlessEvents(em);
  return true;
}
