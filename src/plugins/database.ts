import type { EntityManager } from '@mikro-orm/core';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Orm } from '../db/orm.js';

declare module 'fastify' {
  interface FastifyInstance {
    orm: Orm;
  }
  interface FastifyRequest {
    em: EntityManager;
  }
}

/** Gives every request its own EntityManager (identity map and unit of work), never the global one. */
export default fp(async function database(app: FastifyInstance, opts: { orm: Orm; closeOrm: boolean }) {
  app.decorate('orm', opts.orm);
  app.decorateRequest('em', null as unknown as EntityManager);
  app.addHook('onRequest', async (request) => {
    request.em = opts.orm.em.fork();
  });
  if (opts.closeOrm) app.addHook('onClose', async () => opts.orm.close());
}, { name: 'database' });
