import type { FastifyRequest } from 'fastify';
import { AppError, forbidden, notFound } from '../errors.js';
import { Event } from '../events/event.entity.js';
import { OutboxMessage } from '../mail/outbox.entity.js';
import { Registration } from '../registrations/registration.entity.js';
import type { EventRole } from './event-member.entity.js';
import { roleAllows, roleOn } from './access.service.js';
import type { EventSource, RoutePolicy } from '../shared/route-policy.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The event an organiser route or API call is about, once its access was checked. */
    eventId: number | null;
    /** The signed-in organiser's role on that event. */
    eventRole: EventRole | null;
  }
}

/** The id in the path, or null when it is not one (the route then answers 400 or 404 itself: no event has it). */
function readId(raw: unknown): number | null {
  const id = Number(raw);
  return Number.isSafeInteger(id) && id > 0 ? id : null;
}

/** The least role on the event a route declares (an event route always names a role, not 'public'). */
function requiredRole(policy: RoutePolicy): EventRole {
  return policy.access === 'public' || policy.access === 'signed-in' ? 'owner' : policy.access;
}

const ROW_ENTITIES = { registration: Registration, message: OutboxMessage } as const;

/** The event a declared policy names: the path parameter itself, or the event of the row it names. */
async function eventOfSource(request: FastifyRequest, source: EventSource): Promise<number | null> {
  const id = readId((request.params as Record<string, unknown>)[source.param]);
  if (id === null || !source.row) return id;
  const row = await request.em.findOne(ROW_ENTITIES[source.row] as typeof Registration, { id }, { fields: ['event'] });
  // An email of no event (an organiser's own account) is no one's to see: not found.
  if (!row?.event) throw notFound();
  return row.event.id;
}

/**
 * Checks the signed-in organiser's role on the event the route's policy names (config.policy, which
 * every route must declare: src/plugins/access.ts refuses to start otherwise).
 * An unknown event is a 404; someone else's event is a 403, for pages, exports and the API alike.
 */
export async function authorizeEventRoute(request: FastifyRequest): Promise<void> {
  const organiser = request.organiser;
  if (!organiser) throw new AppError('unauthorised');
  const policy = request.routeOptions.config.policy;
  const eventId = policy?.event ? await eventOfSource(request, policy.event) : null;
  if (!policy || eventId === null) return;
  const role = await roleOn(request.em, organiser.id, eventId);
  if (role === null) {
    if (!(await request.em.count(Event, { id: eventId }))) throw notFound();
    throw forbidden();
  }
  if (!roleAllows(role, requiredRole(policy))) throw forbidden();
  request.eventId = eventId;
  request.eventRole = role;
}
