import type { EntityManager } from '@mikro-orm/core';
import type { Organiser } from '../organisers/organiser.entity.js';
import type { Event, EventSession } from './event.entity.js';
import type { ChecklistFacts } from './event-checklist.js';
import type { EventInput } from './event-rules.js';
import type { ChangeAnnouncer } from './event.service.js';

/**
 * What the event pages and the event API need from the floors above events/ (access, registrations,
 * mail). src/app.ts passes them in as the route plugins' options, so events/ imports none of those.
 */
export interface EventRouteDeps {
  /** The ids of the events this organiser is on the team of. */
  memberEventIds(em: EntityManager, organiserId: number): Promise<number[]>;
  /** Creates the event with its creator as owner, in one transaction (access/access.service.ts). */
  createOwnedEvent(em: EntityManager, input: EventInput, owner: Organiser): Promise<Event>;
  /** The event's registrations counted by status, for its page. */
  countByStatus(em: EntityManager, event: Event): Promise<Record<string, number>>;
  /** What the event page's checklist needs to know from the form, registrations and groups. */
  checklistFacts(em: EntityManager, event: Event): Promise<ChecklistFacts>;
  /** How many attendees a change of this session (or of the whole event) would notify. */
  attendeesConcerned(em: EntityManager, event: Event, session?: EventSession | null): Promise<number>;
  /** Confirmed people without a group after the assignments were published (an alert on the event's page). */
  unplacedAfterPublication(em: EntityManager, event: Event): Promise<number>;
  /**
   * The event of this id with its programme and confirmed count as the API shows it, read at most once
   * a second (registrations/event-cache.ts).
   */
  eventForApi(id: number): Promise<Event>;
  /** Tells the attendees of a change of times or places (unless the organiser says not to). */
  announceChanges: ChangeAnnouncer;
}
