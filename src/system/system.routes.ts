import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.js';
import { pendingMigrations } from '../db/orm.js';

export default async function systemRoutes(app: FastifyInstance, opts: { config: Config }) {
  app.get('/healthz', { schema: { hide: true } }, async (request, reply) => {
    try {
      await request.em.getConnection().execute('select 1');
      const pending = await pendingMigrations(app.orm);
      if (pending > 0) return reply.code(503).send({ status: 'migrations_pending', database: opts.config.database.kind, pending });
      return { status: 'ok', database: opts.config.database.kind };
    } catch (error) {
      request.log.error({ err: error }, 'health check failed');
      return reply.code(503).send({ status: 'unavailable', database: opts.config.database.kind });
    }
  });

  app.get('/api/v1/openapi.json', { schema: { hide: true } }, async () => {
    const document = app.swagger() as { paths?: Record<string, unknown> };
    const paths = Object.fromEntries(Object.entries(document.paths ?? {}).filter(([path]) => path.startsWith('/api/v1/') && !path.endsWith('openapi.json')));
    return { ...document, paths };
  });
}
