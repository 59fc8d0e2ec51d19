import type { FastifyInstance } from 'fastify';
import { publicRoute } from '../shared/route-policy.js';
import type { Config } from '../config.js';
import { pendingMigrations } from '../db/orm.js';

export default async function systemRoutes(app: FastifyInstance, opts: { config: Config }) {
  const database = opts.config.database.kind;

  // Liveness: the process answers and its database too.
  app.get('/healthz', { config: publicRoute(), schema: { hide: true } }, async (request, reply) => {
    try {
      await request.em.getConnection().execute('select 1');
      return { status: 'ok', database };
    } catch (error) {
      request.log.error({ err: error }, 'health check failed');
      return reply.code(503).send({ status: 'unavailable', database });
    }
  });

  // Readiness: also refuses traffic while the schema is behind the code (migrations pending).
  app.get('/readyz', { config: publicRoute(), schema: { hide: true } }, async (request, reply) => {
    try {
      const pending = await pendingMigrations(app.orm);
      if (pending > 0) return reply.code(503).send({ status: 'migrations_pending', database, pending });
      return { status: 'ready', database };
    } catch (error) {
      request.log.error({ err: error }, 'readiness check failed');
      return reply.code(503).send({ status: 'unavailable', database });
    }
  });

  app.get('/api/v1/openapi.json', { config: publicRoute(), schema: { hide: true } }, async () => {
    const document = app.swagger() as { paths?: Record<string, unknown> };
    const paths = Object.fromEntries(
      Object.entries(document.paths ?? {}).filter(
        ([path]) => path.startsWith('/api/v1/') && !path.endsWith('openapi.json'),
      ),
    );
    return { ...document, paths };
  });
}
