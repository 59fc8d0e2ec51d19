import type { FastifyRequest } from 'fastify';
import { AppError, forbidden, notFound } from '../errors.js';
import { Event } from '../events/event.entity.js';
import { OutboxMessage } from '../mail/outbox.entity.js';
import { Registration } from '../registrations/registration.entity.js';
import type { EventRole } from './event-member.entity.js';
import { roleAllows, roleOn } from './access.service.js';
import type { EventSource, RoutePolicy } from '../shared/route-policy.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The least role on the event this route needs, when the default rule (below) is not right for it. */
    eventRole?: EventRole;
  }
  interface FastifyRequest {
    /** The event an organiser route or API call is about, once its access was checked. */
    eventId: number | null;
    /** The signed-in organiser's role on that event. */
    eventRole: EventRole | null;
  }
}

const EVENT_ROUTE = /^\/(?:admin|api\/v1)\/events\/:id(?:[/.]|$)/;
// Organiser pages that only show a form to change something (the form builder's preview is one of
// its pages, its form posts back to the builder): a viewer has no use for them.
const EDITING_PAGE =
  /\/(?:edit|new|delete|cancel|copy|erase)$|^\/admin\/events\/:id\/form(?:$|\/preview$|\/(?:fields|sections|builtins)\/)/;

/** The id in the path, or null when it is not one (the route then answers 400 or 404 itself: no event has it). */
function readId(raw: unknown): number | null {
  const id = Number(raw);
  return Number.isSafeInteger(id) && id > 0 ? id : null;
}

/** The least role a request needs: its declared policy, else (routes not yet declaring one) the URL rule. */
export function requiredRole(method: string, url: string, configured?: EventRole, policy?: RoutePolicy): EventRole {
  if (policy && policy.access !== 'public' && policy.access !== 'signed-in') return policy.access;
  if (configured) return configured;
  if (method !== 'GET' && method !== 'HEAD') return 'organiser';
  return EDITING_PAGE.test(url) ? 'organiser' : 'viewer';
}

// Routes that name a row of an event rather than the event itself: the row tells which event.
const ROW_ROUTES = [
  { prefix: '/api/v1/registrations/:id', param: 'id', entity: Registration },
  { prefix: '/admin/emails/:messageId', param: 'messageId', entity: OutboxMessage },
] as const;

/**
 * The event a route is about, from its pattern: `/admin/events/:id…` and `/api/v1/events/:id…`
 * name it; a registration or an email names it through its row. Null for routes about no one event.
 */
async function eventOfRoute(request: FastifyRequest): Promise<number | null> {
  const policy = request.routeOptions.config.policy;
  if (policy) return policy.event ? eventOfSource(request, policy.event) : null;
  const url = request.routeOptions.url ?? '';
  const params = request.params as Record<string, string>;
  if (EVENT_ROUTE.test(url)) return readId(params.id);
  const rowRoute = ROW_ROUTES.find((route) => url.startsWith(route.prefix));
  if (!rowRoute) return null;
  const id = readId(params[rowRoute.param]);
  if (id === null) return null;
  const row = await request.em.findOne(rowRoute.entity as typeof Registration, { id }, { fields: ['event'] });
  // An email of no event (an organiser's own account) is no one's to see: not found.
  if (!row?.event) throw notFound();
  return row.event.id;
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
 * Checks the signed-in organiser's role on the event the route is about. Every organiser page and
 * API route passes here (from the guards), so a new route is protected without anything to add.
 * An unknown event is a 404; someone else's event is a 403, for pages, exports and the API alike.
 */
export async function authorizeEventRoute(request: FastifyRequest): Promise<void> {
  const organiser = request.organiser;
  if (!organiser) throw new AppError(401, 'unauthorised');
  const eventId = await eventOfRoute(request);
  if (eventId === null) return;
  const role = await roleOn(request.em, organiser.id, eventId);
  if (role === null) {
    if (!(await request.em.count(Event, { id: eventId }))) throw notFound();
    throw forbidden();
  }
  const { config } = request.routeOptions;
  const needed = requiredRole(request.method, request.routeOptions.url ?? '', config.eventRole, config.policy);
  if (!roleAllows(role, needed)) throw forbidden();
  request.eventId = eventId;
  request.eventRole = role;
}
