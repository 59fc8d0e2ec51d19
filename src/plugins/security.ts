import csrf from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import helmet from '@fastify/helmet';
import secureSession from '@fastify/secure-session';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Config } from '../config.js';

declare module '@fastify/secure-session' {
  interface SessionData {
    organiserId: number;
    signedInAt: number;
    /** The organiser's session generation when this session started (src/organisers/guards.ts). */
    sessionGeneration: number;
    lang: string;
    /** The one-time notice for the next organiser page (src/shared/page-door.ts). */
    notice: { key: string; params?: Record<string, string | number> } | undefined;
    /** An API token just created, shown once on the next account page (src/organisers/account.admin.routes.ts). */
    newToken: { label: string; token: string } | undefined;
  }
}

/** Organiser sessions last a working day at most, whatever the browser does with the cookie. */
export const SESSION_LIFETIME_SECONDS = 12 * 60 * 60;

/** X-Frame-Options for browsers without CSP: it cannot name partner sites, so it is left out when FRAME_ANCESTORS names some. */
function legacyFrameOptions(ancestors: string[]) {
  if (ancestors.length === 1 && ancestors[0] === "'none'") return { action: 'deny' as const };
  if (ancestors.length === 1 && ancestors[0] === "'self'") return { action: 'sameorigin' as const };
  return false;
}

/**
 * @fastify/helmet builds helmet's middleware anew for every request, which was a tenth of the CPU of
 * the public registration page in the bench (README, Performance). Its headers are the same for every
 * reply: they are worked out once, from the first reply, and copied onto each one. A route with its
 * own `helmet` options still gets them from the plugin.
 */
function sameHeadersOnEveryReply(app: FastifyInstance) {
  let headers: [string, string | number | string[]][] | null = null;
  app.addHook('onRequest', (request, reply, done) => {
    if (request.routeOptions.config && 'helmet' in request.routeOptions.config) return done();
    if (!headers) {
      const before = new Set(reply.raw.getHeaderNames());
      reply.helmet();
      headers = Object.entries(reply.raw.getHeaders()).filter(
        ([name, value]) => !before.has(name) && value !== undefined,
      ) as [string, string | number | string[]][];
    } else {
      for (const [name, value] of headers) reply.raw.setHeader(name, value);
    }
    done();
  });
}

export default fp(
  async function security(app: FastifyInstance, opts: { config: Config }) {
    const secure = opts.config.publicUrl.startsWith('https:');
    await app.register(helmet, {
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          formAction: ["'self'"],
          frameAncestors: opts.config.frameAncestors,
          baseUri: ["'none'"],
          objectSrc: ["'none'"],
        },
      },
      hsts: secure,
      xFrameOptions: legacyFrameOptions(opts.config.frameAncestors),
      // Applied by the hook below rather than by the plugin on every request.
      global: false,
    });
    sameHeadersOnEveryReply(app);
    await app.register(formbody, { bodyLimit: 256 * 1024 });
    // Stateless encrypted cookie: any instance with the same key reads it, no session store needed.
    await app.register(secureSession, {
      key: opts.config.sessionKey,
      expiry: SESSION_LIFETIME_SECONDS,
      cookie: { path: '/', httpOnly: true, sameSite: 'lax', secure, maxAge: SESSION_LIFETIME_SECONDS },
    });
    await app.register(csrf, { sessionPlugin: '@fastify/secure-session' });
  },
  { name: 'security' },
);
