import type { FastifyReply } from 'fastify';
import { embedAncestors, withFrameAncestors } from './partner-origins.js';

/** What an embed page may be told by embed.js in its query; anything else is ignored, never an error. */
export interface EmbedQuery {
  lang?: string;
  accent?: string;
  parent?: string;
  show?: string;
}

export type Show = 'form' | 'programme' | 'both';

export interface EmbedOptions {
  accent: string | null;
  parentOrigin: string | null;
  show: Show;
  /** The query to keep on the form's action, so the answer page has the same language, colour and resizing. */
  query: string;
}

const HEX = /^[0-9a-fA-F]{6}$/;

function luminance(hex: string): number {
  const [r, g, b] = [0, 2, 4].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** A colour white text stays readable on (WCAG AA, 4.5:1): buttons and links use it. Null otherwise. */
export function accentColour(value: string | undefined): string | null {
  if (!value || !HEX.test(value)) return null;
  return 1.05 / (luminance(value) + 0.05) >= 4.5 ? value.toLowerCase() : null;
}

/** Whether `origin` is one of the CSP sources (an origin, `'self'`, or `https://*.domain`). */
export function originMatches(origin: string, sources: string[], selfOrigin: string): boolean {
  return sources.some((source) => {
    if (source === "'self'") return origin === selfOrigin;
    if (source.includes('://*.')) {
      const [scheme, rest] = source.split('://*.');
      return origin.startsWith(`${scheme}://`) && origin.endsWith(`.${rest}`);
    }
    return origin === source;
  });
}

export function embedOptions(query: EmbedQuery, locale: string, ancestors: string[], selfOrigin: string): EmbedOptions {
  const accent = accentColour(query.accent);
  const parentOrigin = query.parent && originMatches(query.parent, ancestors, selfOrigin) ? query.parent : null;
  const show: Show = query.show === 'form' || query.show === 'programme' ? query.show : 'both';
  const params = new URLSearchParams({ lang: locale });
  if (show !== 'both') params.set('show', show);
  if (accent) params.set('accent', accent);
  if (parentOrigin) params.set('parent', parentOrigin);
  return { accent, parentOrigin, show, query: `?${params}` };
}

/** The page may be framed by the partners and FRAME_ANCESTORS; no X-Frame-Options, which cannot say so. */
export function allowFraming(reply: FastifyReply, frameAncestors: string[], partners: readonly string[]): string[] {
  const ancestors = embedAncestors(frameAncestors, partners);
  const csp = String(reply.raw.getHeader('content-security-policy') ?? '');
  reply.raw.setHeader('content-security-policy', withFrameAncestors(csp, ancestors));
  reply.raw.removeHeader('x-frame-options');
  return ancestors;
}

/**
 * The embedded form cannot count on the CSRF cookie (third-party cookies are often blocked): a
 * cross-site post is refused by its Origin, or without one by Sec-Fetch-Site.
 */
export function sameOriginPost(headers: Record<string, string | string[] | undefined>, selfOrigin: string): boolean {
  const origin = headers.origin;
  if (typeof origin === 'string' && origin !== 'null') return origin === selfOrigin;
  return headers['sec-fetch-site'] === 'same-origin';
}
