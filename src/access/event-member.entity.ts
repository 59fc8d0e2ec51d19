import { type InferEntity, defineEntity, p } from '@mikro-orm/core';
import { Event } from '../events/event.entity.js';
import { Organiser } from '../organisers/organiser.entity.js';

/** owner: everything, the team included; organiser: everything but the team; viewer: read-only. */
import type { EventRole } from '../shared/route-policy.js';

export type { EventRole };
export const EVENT_ROLES: EventRole[] = ['owner', 'organiser', 'viewer'];

/** What a team member is told of registrations: each one, a daily digest, or nothing. */
export type NotifyChoice = 'each' | 'digest' | 'none';
export const NOTIFY_CHOICES: NotifyChoice[] = ['each', 'digest', 'none'];

/** One organiser's place in one event's team. */
export const EventMember = defineEntity({
  name: 'EventMember',
  tableName: 'event_member',
  uniques: [{ properties: ['event', 'organiser'], name: 'event_member_event_organiser_unique' }],
  indexes: [{ properties: ['organiser'], name: 'event_member_organiser_index' }],
  properties: {
    id: p.integer().primary().autoincrement(),
    event: () => p.manyToOne(Event).deleteRule('cascade'),
    organiser: () => p.manyToOne(Organiser).deleteRule('cascade'),
    role: p.string().$type<EventRole>().length(16),
    /** Null until they choose: a daily digest for owners while registration is open, nothing for others. */
    notify: p.string().$type<NotifyChoice>().length(16).nullable(),
    createdAt: p.datetime(),
  },
});

export type EventMember = InferEntity<typeof EventMember>;
