import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { authorizeEventRoute } from '../access/event-access.js';
import { auditAction, auditWriter } from '../audit/audit.service.js';
import { AppError, forbidden } from '../errors.js';
import type { RoutePolicy } from '../shared/route-policy.js';

/** The registration a route is about: the row its policy names, else its `:registrationId`. */
function registrationOf(request: FastifyRequest): number | null {
  const params = request.params as Record<string, string>;
  const source = request.routeOptions.config.policy?.event;
  const raw = source?.row === 'registration' ? params[source.param] : params.registrationId;
  const id = Number(raw);
  return Number.isSafeInteger(id) && id > 0 ? id : null;
}

/**
 * Event roles are checked by the organiser guards (src/organisers/guards.ts); this records, after
 * each successful organiser request about an event, who viewed, exported or changed its data.
 */
declare module 'fastify' {
  interface FastifyInstance {
    /** Every route of the service (method and pattern), for the route-walking access test and docs. */
    routeTable: { method: string; url: string; policy?: RoutePolicy }[];
    /**
     * Checks the signed-in organiser's role on the event a route is about (src/access/event-access.ts);
     * the organiser guards call it, so organisers/ does not import access/.
     */
    authorizeEventRoute(request: FastifyRequest): Promise<void>;
  }
}

export default fp(
  async function access(app: FastifyInstance) {
    const routeTable: FastifyInstance['routeTable'] = [];
    app.decorate('routeTable', routeTable);
    app.decorate('authorizeEventRoute', authorizeEventRoute);
    app.addHook('onRoute', (route) => {
      // Deny by default: a route that does not say who may call it is a mistake, found at start-up.
      if (!route.config?.policy && !route.url.startsWith('/static/'))
        throw new Error(`${route.method} ${route.url} declares no config.policy (see src/shared/route-policy.ts)`);
      for (const method of [route.method].flat())
        if (method !== 'HEAD') routeTable.push({ method, url: route.url, policy: route.config?.policy });
    });
    app.decorateRequest('eventId', null);
    app.decorateRequest('eventRole', null);
    // The safety net of deny-by-default: the organiser guards (organiserPages, requireApiToken) run
    // as each route plugin's own hooks; a route that declares a non-public policy but whose plugin
    // forgot them is refused here, after every onRequest hook, instead of being open to anyone.
    app.addHook('preHandler', async (request: FastifyRequest) => {
      const policy = request.routeOptions.config.policy;
      if (!policy || policy.access === 'public') return;
      if (!request.organiser) throw new AppError('unauthorised');
      if (policy.event && request.eventRole === null) throw forbidden();
    });
    const audit = auditWriter(app.orm.em, (error, lost) =>
      app.log.error({ err: error, lost }, 'could not record the audit entries'),
    );
    // Written off the request path (AuditWriter); what is waiting is written before the app closes.
    app.addHook('preClose', () => audit.flush());
    app.addHook('onSend', async (request: FastifyRequest, reply: FastifyReply) => {
      if (request.eventId === null || reply.statusCode >= 400) return;
      const route = request.routeOptions.url ?? '';
      const action = auditAction(request.method, request.routeOptions.config.policy);
      if (!action) return;
      audit.add({
        eventId: request.eventId,
        organiserId: request.organiser?.id ?? null,
        action,
        route: `${request.method} ${route}`,
        registrationId: registrationOf(request),
        via: route.startsWith('/api/') ? 'api' : 'page',
      });
    });
  },
  { name: 'access', dependencies: ['database'] },
);
