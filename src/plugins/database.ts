import type { EntityManager } from '@mikro-orm/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Orm } from '../db/orm.js';

declare module 'fastify' {
  interface FastifyInstance {
    orm: Orm;
  }
  interface FastifyRequest {
    em: EntityManager;
    forkedEm: EntityManager | null;
  }
}

/** Gives every request its own EntityManager (identity map and unit of work), never the global one. */
export default fp(
  async function database(app: FastifyInstance, opts: { orm: Orm; closeOrm: boolean }) {
    app.decorate('orm', opts.orm);
    // Forked on first use: a page served from the cache (src/registrations/event-cache.ts) never needs one.
    app.decorateRequest('forkedEm', null);
    app.decorateRequest('em', {
      getter(this: FastifyRequest) {
        return (this.forkedEm ??= opts.orm.em.fork());
      },
    });
    if (opts.closeOrm) app.addHook('onClose', async () => opts.orm.close());
  },
  { name: 'database' },
);
