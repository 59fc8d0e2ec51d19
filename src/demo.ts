import type { EntityManager } from '@mikro-orm/core';
import { adoptOwnerlessEvents } from './access/access.service.js';
import { zonedLocalToUtc } from './shared/time.js';
import type { DefinitionInput } from './forms/form-rules.js';
import { saveDefinition } from './forms/form.service.js';
import type { Event } from './events/event.entity.js';
import type { EventInput } from './events/event-rules.js';
import { createEvent, findEventBySlug } from './events/event.service.js';
import { DEFAULT_STRUCTURE_TYPES } from './events/structure-types.js';

export const DEMO_SLUG = 'atelier-de-la-solidarite';

const TZ = 'Europe/Paris';
const GROUP_QUESTION =
  "Comment agir de façon complémentaire sur les volets social, économique et technique, afin de répondre à l'urgence et proposer des solutions pérennes à terme ?";

/**
 * The real "atelier de la solidarité" of 15 November 2013 (Maison Pour Tous de Monplaisir, Angers):
 * a plenary, then 4 working groups on the same question. It is dated on the next 15 November so
 * registration is open and the demo can be clicked through.
 */
export function demoEventInput(now = new Date()): EventInput {
  let year = now.getUTCFullYear();
  if (now > new Date(Date.UTC(year, 10, 1))) year += 1;
  const at = (time: string) => zonedLocalToUtc(`${year}-11-15T${time}`, TZ) as Date;
  const group = (n: number, facilitator: string, room: string) => ({
    kind: 'breakout' as const,
    title: `Groupe ${n}`,
    topic: GROUP_QUESTION,
    facilitator,
    room,
    startsAt: at('10:45'),
    endsAt: at('12:30'),
    capacity: 20,
  });
  return {
    title: 'Atelier de la solidarité : repérer et agir auprès des ménages en précarité énergétique',
    slug: DEMO_SLUG,
    description: [
      "Atelier annuel du réseau angevin de lutte contre la précarité énergétique, animé par le CCAS d'Angers et l'association Alisée, ouvert à toute personne en lien avec des publics fragiles et vulnérables.",
      'Premier temps en plénière, puis quatre groupes de travail qui mêlent les volets social, économique et technique.',
    ].join('\n\n'),
    venue: 'Maison Pour Tous de Monplaisir',
    address: 'Quartier Monplaisir, Angers (49)',
    timezone: TZ,
    startsAt: at('09:00'),
    endsAt: at('12:30'),
    capacity: 80,
    status: 'published',
    registrationOpensAt: null,
    // Closes the evening before, so the organisers have their lists in the morning.
    registrationClosesAt: zonedLocalToUtc(`${year}-11-14T18:00`, TZ) as Date,
    structureTypes: DEFAULT_STRUCTURE_TYPES.map((t) => ({ ...t })),
    sessions: [
      {
        kind: 'plenary',
        title: 'Comment identifier les ménages en situation de précarité énergétique ? Se poser les bonnes questions',
        topic:
          'Mieux appréhender les problématiques des publics concernés par la précarité énergétique et avoir des éléments pour les repérer.',
        facilitator: 'Anne-Claire Chiron (Alisée)',
        room: 'Grande salle',
        startsAt: at('09:00'),
        endsAt: at('10:30'),
        capacity: 80,
      },
      group(1, "CCAS d'Angers", 'Salle 1'),
      group(2, 'Alisée', 'Salle 2'),
      group(3, "CCAS d'Angers", 'Salle 3'),
      group(4, 'Alisée', 'Salle 4'),
    ],
  };
}

/**
 * The demo's registration form: lunch, then diet only for those who stay, accessibility needs, the
 * neighbourhood only for social workers, and the two breakout groups each person would rather join.
 */
export function demoFormInput(): DefinitionInput {
  return {
    sections: [
      {
        title: 'Repas',
        intro: "Un déjeuner est servi sur place à l'issue des groupes de travail, offert par le CCAS.",
        fields: [
          { key: 'dejeuner', type: 'yesno', label: 'Déjeunerez-vous sur place ?', required: false },
          {
            key: 'regime',
            type: 'textarea',
            label: 'Allergies ou régime alimentaire',
            help: 'Par exemple : végétarien, sans gluten, allergie aux fruits à coque.',
            maxLength: 500,
            condition: { field: 'dejeuner', values: ['yes'] },
          },
        ],
      },
      {
        title: 'Votre venue',
        intro: '',
        fields: [
          {
            key: 'accessibilite',
            type: 'textarea',
            label: "Besoins d'accessibilité",
            help: 'Fauteuil roulant, boucle magnétique, documents en gros caractères… Nous nous organisons en conséquence.',
            maxLength: 1000,
          },
          {
            key: 'quartier',
            type: 'choice',
            label: "Quartier d'intervention",
            display: 'select',
            required: false,
            help: "Pour réunir dans un même groupe les acteurs d'un même territoire.",
            options: [
              'Monplaisir',
              'Belle-Beille',
              'Roseraie',
              'Justices',
              'Centre-ville',
              'Deux-Croix Banchais',
              'Autre quartier',
            ].map((label) => ({ label })),
            condition: { field: 'structureType', values: ['travailleur-social'] },
          },
        ],
      },
      {
        title: 'Groupes de travail',
        intro:
          'Les groupes sont composés pour mêler les volets social, économique et technique : vos préférences sont suivies autant que possible.',
        fields: [
          {
            key: 'groupes',
            type: 'group_preference',
            label: 'Vos groupes de travail préférés',
            ranks: 2,
            required: false,
          },
        ],
      },
    ],
  };
}

/**
 * Loads the demo event once, with its form; running it again returns the same event. The first
 * organiser of the install owns it; with none yet, the first one (/setup) will.
 */
export async function loadDemo(em: EntityManager, now = new Date()): Promise<Event> {
  const existing = await findEventBySlug(em, DEMO_SLUG);
  if (existing) return existing;
  const event = await createEvent(em, demoEventInput(now));
  await saveDefinition(em, event, demoFormInput());
  await adoptOwnerlessEvents(em);
  return event;
}
