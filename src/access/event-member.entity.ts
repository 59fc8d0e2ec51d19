import { EntitySchema } from '@mikro-orm/core';
import { Event } from '../events/event.entity.js';
import { Organiser } from '../organisers/organiser.entity.js';

/** owner: everything, the team included; organiser: everything but the team; viewer: read-only. */
export type EventRole = 'owner' | 'organiser' | 'viewer';
export const EVENT_ROLES: EventRole[] = ['owner', 'organiser', 'viewer'];

/** One organiser's place in one event's team. */
export class EventMember {
  id!: number;
  event!: Event;
  organiser!: Organiser;
  role!: EventRole;
  createdAt: Date = new Date();
}

export const EventMemberSchema = new EntitySchema<EventMember>({
  class: EventMember,
  tableName: 'event_member',
  uniques: [{ properties: ['event', 'organiser'], name: 'event_member_event_organiser_unique' }],
  indexes: [{ properties: ['organiser'], name: 'event_member_organiser_index' }],
  properties: {
    id: { type: 'integer', primary: true, autoincrement: true },
    event: { kind: 'm:1', entity: () => Event, deleteRule: 'cascade' },
    organiser: { kind: 'm:1', entity: () => Organiser, deleteRule: 'cascade' },
    role: { type: 'string', length: 16 },
    createdAt: { type: 'datetime' },
  },
});
