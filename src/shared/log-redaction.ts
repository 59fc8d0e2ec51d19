import type { FastifyRequest } from 'fastify';

/**
 * The request log must not keep the secrets some addresses carry: an attendee's private link (/r/:token),
 * a survey or facilitator link, a password-reset link. Whatever the route, a path parameter named like a
 * secret is written as "…", and the query string is left out (signed links may carry one).
 */
const SECRET_PARAMS = new Set(['token', 'signature']);

export function loggedUrl(pattern: string | undefined, url: string): string {
  const path = url.split('?', 1)[0] ?? url;
  if (!pattern) return path;
  const names = pattern.split('/');
  const parts = path.split('/');
  // A wildcard or a pattern that does not line up with the address: keep the path without its query.
  if (names.length !== parts.length) return path;
  return parts.map((part, i) => (SECRET_PARAMS.has(names[i]?.replace(/^:/, '') ?? '') ? '…' : part)).join('/');
}

/** Fastify's request serializer, with the secrets of the address masked. */
export function serializeRequest(request: FastifyRequest) {
  return {
    method: request.method,
    url: loggedUrl(request.routeOptions?.url, request.url),
    host: request.host,
    remoteAddress: request.ip,
  };
}
