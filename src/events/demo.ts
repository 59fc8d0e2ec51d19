import type { EntityManager } from '@mikro-orm/core';
import { zonedLocalToUtc } from '../shared/time.js';
import type { Event } from './event.entity.js';
import { type EventInput, createEvent, findEventBySlug } from './event.service.js';
import { DEFAULT_STRUCTURE_TYPES } from './structure-types.js';

export const DEMO_SLUG = 'atelier-de-la-solidarite';

const TZ = 'Europe/Paris';
const GROUP_QUESTION = 'Comment agir de façon complémentaire sur les volets social, économique et technique, afin de répondre à l\'urgence et proposer des solutions pérennes à terme ?';

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
    kind: 'breakout' as const, title: `Groupe ${n}`, topic: GROUP_QUESTION, facilitator, room, startsAt: at('10:45'), endsAt: at('12:30'), capacity: 20,
  });
  return {
    title: 'Atelier de la solidarité : repérer et agir auprès des ménages en précarité énergétique',
    slug: DEMO_SLUG,
    description: [
      'Atelier annuel du réseau angevin de lutte contre la précarité énergétique, animé par le CCAS d\'Angers et l\'association Alisée, ouvert à toute personne en lien avec des publics fragiles et vulnérables.',
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
    registrationClosesAt: at('00:00'),
    structureTypes: DEFAULT_STRUCTURE_TYPES.map((t) => ({ ...t })),
    sessions: [
      {
        kind: 'plenary', title: 'Comment identifier les ménages en situation de précarité énergétique ? Se poser les bonnes questions',
        topic: 'Mieux appréhender les problématiques des publics concernés par la précarité énergétique et avoir des éléments pour les repérer.',
        facilitator: 'Anne-Claire Chiron (Alisée)', room: 'Grande salle', startsAt: at('09:00'), endsAt: at('10:30'), capacity: 80,
      },
      group(1, 'CCAS d\'Angers', 'Salle 1'),
      group(2, 'Alisée', 'Salle 2'),
      group(3, 'CCAS d\'Angers', 'Salle 3'),
      group(4, 'Alisée', 'Salle 4'),
    ],
  };
}

/** Loads the demo event once; running it again returns the same event. */
export async function loadDemo(em: EntityManager, now = new Date()): Promise<Event> {
  return (await findEventBySlug(em, DEMO_SLUG)) ?? createEvent(em, demoEventInput(now));
}
