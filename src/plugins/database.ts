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
    if (!opts.closeOrm) return;
    // The database closes last: once the HTTP server has stopped taking connections and every request
    // in flight has been answered (closing it first answered those requests 500, "aborted").
    let listening = false;
    const serverClosed = new Promise<void>((resolve) => app.server.once('close', () => resolve()));
    app.addHook('onListen', async () => {
      listening = true;
    });
    app.addHook('onClose', async () => {
      if (listening) await serverClosed;
      await opts.orm.close();
    });
  },
  { name: 'database' },
);
