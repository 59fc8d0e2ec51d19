import type { EntityManager } from '@mikro-orm/core';
import type { Event } from '../../src/events/event.entity.js';
import { adoptOwnerlessEvents } from '../../src/access/access.service.js';
import type { EventInput } from '../../src/events/event-rules.js';
import { createEvent } from '../../src/events/event.service.js';
import { Organiser } from '../../src/organisers/organiser.entity.js';

const HOUR = 3600_000;

/**
 * An open, published event a few weeks ahead, with a plenary and two groups; fields can be overridden.
 * Like the demo, it is owned by every organiser that exists when it is made.
 */
export async function openEvent(em: EntityManager, overrides: Partial<EventInput> = {}): Promise<Event> {
  const start = new Date(Date.now() + 30 * 24 * HOUR);
  start.setUTCHours(8, 0, 0, 0);
  const at = (hours: number) => new Date(start.getTime() + hours * HOUR);
  const event = await createEvent(em, {
    title: 'Atelier test',
    slug: `atelier-${Math.random().toString(36).slice(2, 10)}`,
    venue: 'Maison Pour Tous',
    address: '1 rue Exemple, Angers',
    startsAt: at(0),
    endsAt: at(4),
    capacity: 10,
    status: 'published',
    sessions: [
      { kind: 'plenary', title: 'Plénière', room: 'Grande salle', startsAt: at(0), endsAt: at(1.5) },
      {
        kind: 'breakout',
        title: 'Groupe 1',
        room: 'Salle 1',
        facilitator: 'Alisée',
        startsAt: at(2),
        endsAt: at(4),
        capacity: 5,
      },
      {
        kind: 'breakout',
        title: 'Groupe 2',
        room: 'Salle 2',
        facilitator: 'CCAS',
        startsAt: at(2),
        endsAt: at(4),
        capacity: 5,
      },
    ],
    ...overrides,
  });
  // Test files sign in as one organiser and call the API with another's token: both own the event.
  const organisers = await em.find(Organiser, {}, { fields: ['id'] });
  await adoptOwnerlessEvents(
    em,
    organisers.map((o) => o.id),
  );
  return event;
}

export function attendee(n: number, structureType = 'travailleur-social') {
  return {
    firstName: `Prénom${n}`,
    lastName: `Nom${n}`,
    email: `personne${n}@exemple.fr`,
    organisation: `Structure ${n % 7}`,
    structureType,
    consent: 'yes',
  };
}
