import type { FastifyInstance } from 'fastify';
import { publicRoute } from '../shared/route-policy.js';
import { RETENTION_MONTHS } from '../events/event-rules.js';

/** The public page on personal data: what is kept, why, who sees it, how long, and people's rights. */
export default async function privacyPublicRoutes(app: FastifyInstance) {
  app.get('/privacy', { config: publicRoute() }, async (_request, reply) =>
    reply.page('public/privacy', { defaultMonths: RETENTION_MONTHS.default }),
  );
}
