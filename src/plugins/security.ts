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
    lang: string;
  }
}

/** Organiser sessions last a working day at most, whatever the browser does with the cookie. */
export const SESSION_LIFETIME_SECONDS = 12 * 60 * 60;

export default fp(async function security(app: FastifyInstance, opts: { config: Config }) {
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
        frameAncestors: ["'self'"],
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
      },
    },
    hsts: secure,
  });
  await app.register(formbody, { bodyLimit: 256 * 1024 });
  // Stateless encrypted cookie: any instance with the same key reads it, no session store needed.
  await app.register(secureSession, {
    key: opts.config.sessionKey,
    expiry: SESSION_LIFETIME_SECONDS,
    cookie: { path: '/', httpOnly: true, sameSite: 'lax', secure, maxAge: SESSION_LIFETIME_SECONDS },
  });
  await app.register(csrf, { sessionPlugin: '@fastify/secure-session' });
}, { name: 'security' });
