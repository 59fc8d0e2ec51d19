/** A team member's role on one event, from most to least rights. */
export type EventRole = 'owner' | 'organiser' | 'viewer';

/**
 * What a route declares about itself, in its `config.policy`: who may call it, which event it is
 * about, what the audit log records and which rate limit applies. Read by the access guard
 * (event-access.ts), the audit hook (plugins/access.ts) and the rate limits (plugins/rate-limits.ts),
 * so nothing is matched from URL strings.
 */
export interface RoutePolicy {
  /** Anyone, any signed-in organiser, or the least role on the route's event. */
  access: 'public' | 'signed-in' | EventRole;
  /** Where the event comes from: a path parameter naming the event, or a row of it. */
  event?: EventSource;
  /** A read worth recording: participants' data shown, or exported. Changes are always recorded. */
  audit?: 'viewed' | 'exported';
  /** The per-address rate limit (config.rateLimits) this route counts against. */
  rateLimit?: RateLimitClass;
  /**
   * A public route whose only credential is a personal link in its path, other than an attendee's:
   * `facilitator` is a group facilitator's /f/:token (src/syntheses), which opens that one group's
   * list, check-in and synthesis. No organiser session or API token is read, and no other route
   * accepts the token (test/syntheses/facilitator-access.test.ts walks them all).
   */
  link?: 'facilitator';
}

export interface EventSource {
  param: string;
  /** The parameter names a registration or an email of the event rather than the event itself. */
  row?: 'registration' | 'message';
}

export type RateLimitClass = 'register' | 'apiRegister' | 'login';

declare module 'fastify' {
  interface FastifyContextConfig {
    policy?: RoutePolicy;
  }
}

type Extra = Pick<RoutePolicy, 'audit' | 'rateLimit'>;

export const publicRoute = (extra: Extra = {}): { policy: RoutePolicy } => ({ policy: { access: 'public', ...extra } });
/** A page opened by a group facilitator's personal link (see RoutePolicy.link). */
export const facilitatorLink = (): { policy: RoutePolicy } => ({ policy: { access: 'public', link: 'facilitator' } });
export const signedIn = (): { policy: RoutePolicy } => ({ policy: { access: 'signed-in' } });

/** A route about the event named by `:id` (or `param`), for `role` and above. */
export const onEvent = (role: EventRole, extra: Extra = {}, param = 'id'): { policy: RoutePolicy } => ({
  policy: { access: role, event: { param }, ...extra },
});

/** A route about one registration or email of an event, named by `param`. */
export const onEventRow = (
  row: EventSource['row'],
  role: EventRole,
  param: string,
  extra: Extra = {},
): { policy: RoutePolicy } => ({ policy: { access: role, event: { param, row }, ...extra } });
