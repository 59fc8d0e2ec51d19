import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Redis } from 'ioredis';
import type { Config } from '../config.js';
import { AppError } from '../errors.js';

const WINDOW_MS = 60_000;

/**
 * Rate limits per client address (request.ip: one hop of X-Forwarded-For with TRUST_PROXY, else the
 * connection's address, so a client cannot spoof it). Counters live in Redis with REDIS_URL, shared by
 * every instance; without it each instance counts on its own. Over the limit: 429 with Retry-After, a
 * page or JSON like any other error. Must be registered before the routes it limits.
 */
export default fp(
  async function rateLimits(app: FastifyInstance, opts: { config: Config }) {
    // The routes that declare a rate-limit class in their policy (src/shared/route-policy.ts).
    app.addHook('onRoute', (route) => {
      const limit = route.config?.policy?.rateLimit;
      const max = limit && opts.config.rateLimits[limit];
      if (max)
        route.config = {
          ...(route.config as object),
          rateLimit: { max, timeWindow: WINDOW_MS },
        } as typeof route.config;
    });
    let redis: Redis | undefined;
    if (opts.config.redisUrl) {
      // A Redis outage must not take registrations down nor slow them: without a connection a count
      // fails at once (no offline queue) and the request goes through uncounted (skipOnError).
      // Loaded only when used: an instance without Redis does not hold the client in memory.
      const { Redis } = await import('ioredis');
      const client = new Redis(opts.config.redisUrl, {
        lazyConnect: true,
        enableOfflineQueue: false,
        maxRetriesPerRequest: 1,
        connectTimeout: 2000,
      });
      let warned = false;
      client.on('error', (error) => {
        if (!warned)
          app.log.warn({ err: error }, 'rate limits: Redis does not answer, requests are not counted until it does');
        warned = true;
      });
      client.on('ready', () => {
        warned = false;
      });
      await client.connect().catch(() => {});
      app.addHook('onClose', async () => {
        await client.quit().catch(() => client.disconnect());
      });
      redis = client;
    }
    await app.register(rateLimit, {
      global: false,
      redis,
      nameSpace: 'atelier-rate-limit-',
      skipOnError: true,
      errorResponseBuilder: (_request, context) =>
        new AppError('rate_limited', [], { seconds: Math.max(1, Math.ceil(context.ttl / 1000)) }),
    });
  },
  { name: 'rate-limits' },
);
