/**
 * Which sites may show the embed pages in a frame: the partner origins an organiser listed on the
 * event (page *Sites partenaires*) plus FRAME_ANCESTORS. Every other page keeps FRAME_ANCESTORS alone
 * (src/plugins/security.ts).
 */

/** At most this many partner sites per event: the CSP header stays small. */
export const MAX_PARTNER_ORIGINS = 30;

/**
 * `https://host[:port]` with nothing else (no path, query, credentials, wildcard), normalised; null
 * otherwise. `http://localhost[:port]` too: browsers treat it as secure, and partners try the snippet there.
 */
export function partnerOrigin(value: string): string | null {
  const text = value.trim();
  const scheme = text.startsWith('https://') ? 'https://' : text.startsWith('http://localhost') ? 'http://' : null;
  if (!scheme || text.length > 200) return null;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  if (scheme === 'http://' && url.hostname !== 'localhost') return null;
  const rest = text.slice(scheme.length).replace(/\/$/, '');
  if (url.username || url.password || url.search || url.hash || url.pathname !== '/') return null;
  if (rest.includes('/') || rest.includes('*') || rest.includes('@')) return null;
  return url.origin;
}

/** The origins of a textarea (one per line or space-separated) and the parts that are not origins. */
export function parsePartnerOrigins(text: string): { origins: string[]; wrong: string[] } {
  const origins: string[] = [];
  const wrong: string[] = [];
  for (const part of text.split(/\s+/)) {
    if (!part) continue;
    const origin = partnerOrigin(part);
    if (!origin) wrong.push(part);
    else if (!origins.includes(origin)) origins.push(origin);
  }
  return { origins, wrong };
}

/** The frame-ancestors sources for an embed page. */
export function embedAncestors(frameAncestors: string[], partners: readonly string[]): string[] {
  if (frameAncestors.length === 1 && frameAncestors[0] === "'none'") {
    return partners.length ? [...partners] : ["'none'"];
  }
  return [...new Set([...frameAncestors, ...partners])];
}

/** The page's CSP with its frame-ancestors directive replaced. */
export function withFrameAncestors(csp: string, ancestors: string[]): string {
  return csp
    .split(';')
    .map((directive) =>
      directive.trim().startsWith('frame-ancestors') ? `frame-ancestors ${ancestors.join(' ')}` : directive.trim(),
    )
    .join(';');
}
