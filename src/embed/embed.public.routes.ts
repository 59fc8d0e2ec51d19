import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { readFileSync } from 'node:fs';
import { Type } from 'typebox';
import type { Config } from '../config.js';
import { AppError, ValidationError } from '../errors.js';
import { breakouts, plenaries, registrationWindow } from '../events/event-rules.js';
import type { Event } from '../events/event.entity.js';
import { listEvents } from '../events/event.service.js';
import type { FormDefinition } from '../forms/form-definition.js';
import { formView } from '../forms/render.js';
import { resolveForm } from '../forms/resolve.js';
import { NONCE_FIELD, issueFormNonce, readFormNonce, spamReason } from '../registrations/form-nonce.js';
import { publicEventSnapshot, withCurrentSeats } from '../registrations/event-cache.js';
import { registerOnce, requestHash } from '../registrations/idempotency.service.js';
import { Registration } from '../registrations/registration.entity.js';
import { checkSubmission, register } from '../registrations/registration.service.js';
import { FormBodySchema } from '../shared/form-body.js';
import { publicRoute } from '../shared/route-policy.js';
import {
  type EmbedOptions,
  type EmbedQuery,
  accentColour,
  allowFraming,
  embedOptions,
  sameOriginPost,
} from './embed-page.js';
import { fromProjectRoot } from '../shared/paths.js';

/** Bump with any change to public/embed.js: `/embed/v{N}.js` is cached for a year. */
export const EMBED_VERSION = 2;
/** A form rendered longer ago than this is shown again to be sent anew (its nonce is too old to trust). */
export const EMBED_NONCE_MAX_AGE_MS = 24 * 60 * 60 * 1000;

const embedScript = readFileSync(fromProjectRoot('public', 'embed.js'), 'utf8');
const SlugParams = Type.Object({ slug: Type.String({ maxLength: 200 }) });
const short = () => Type.Optional(Type.String({ maxLength: 200 }));
const EmbedQuerySchema = Type.Object({ lang: short(), accent: short(), parent: short(), show: short() });
const AgendaQuery = Type.Object({
  lang: short(),
  accent: short(),
  parent: short(),
  series: short(),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50 })),
});

export default async function embedPublicRoutes(fastify: FastifyInstance, opts: { config: Config }) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { config } = opts;
  const selfOrigin = new URL(config.publicUrl).origin;

  // Loaded by partners' pages: the service's Cross-Origin-Resource-Policy: same-origin would block it.
  const sendScript = (reply: FastifyReply, cache: string) =>
    reply
      .type('text/javascript; charset=utf-8')
      .header('Cache-Control', cache)
      .header('Cross-Origin-Resource-Policy', 'cross-origin')
      .send(embedScript);
  // The snippet's address: kept a day, so a new version reaches partners' visitors by the next day.
  app.get('/embed.js', { config: publicRoute() }, (_request, reply) =>
    sendScript(reply, 'public, max-age=86400, stale-while-revalidate=604800'),
  );
  app.get(`/embed/v${EMBED_VERSION}.js`, { config: publicRoute() }, (_request, reply) =>
    sendScript(reply, 'public, max-age=31536000, immutable'),
  );

  app.get(
    '/embed/accent.css',
    { config: publicRoute(), schema: { querystring: Type.Object({ c: short() }) } },
    (request, reply) => {
      const colour = accentColour(request.query.c);
      const css = colour ? `:root{--accent:#${colour};--accent-dark:#${colour};}\n` : '';
      return reply.type('text/css; charset=utf-8').header('Cache-Control', 'public, max-age=86400').send(css);
    },
  );

  /** The embed page of one event, framed by the event's partners; its options taken from the query. */
  function embedEvent(request: FastifyRequest, query: EmbedQuery, reply: FastifyReply, event: Event) {
    const ancestors = allowFraming(reply, config.frameAncestors, event.partnerOrigins ?? []);
    return embedOptions(query, request.locale, ancestors, selfOrigin);
  }

  function eventPage(
    request: FastifyRequest,
    reply: FastifyReply,
    event: Event,
    definition: FormDefinition,
    options: EmbedOptions,
    extra: Record<string, unknown>,
    status = 200,
  ) {
    return reply.page(
      'embed/event',
      {
        event,
        plenaries: plenaries(event),
        breakouts: breakouts(event),
        window: registrationWindow(event),
        form: formView(resolveForm(definition, event, request.t), {}, [], request.t),
        formNonce: issueFormNonce(config.sessionKey, event.id),
        ...options,
        ...extra,
      },
      status,
    );
  }

  app.get(
    '/embed/e/:slug',
    { config: publicRoute(), schema: { params: SlugParams, querystring: EmbedQuerySchema } },
    async (request, reply) => {
      const snapshot = await publicEventSnapshot(app.orm, request.params.slug);
      const event = await withCurrentSeats(app.orm, snapshot.event);
      return eventPage(
        request,
        reply,
        event,
        snapshot.definition,
        embedEvent(request, request.query, reply, event),
        {},
      );
    },
  );

  app.post(
    '/embed/e/:slug/register',
    {
      config: publicRoute({ rateLimit: 'register' }),
      schema: { params: SlugParams, querystring: EmbedQuerySchema, body: FormBodySchema },
      // In place of the CSRF token, which needs a cookie: refused before anything is read, like a missing token.
      preHandler: async (request) => {
        if (sameOriginPost(request.headers, selfOrigin)) return;
        request.log.info({ origin: request.headers.origin }, 'embedded registration from another site');
        throw new AppError('cross_site_form');
      },
    },
    async (request, reply) => {
      const { event, definition } = await publicEventSnapshot(app.orm, request.params.slug);
      const options = embedEvent(request, request.query, reply, event);
      const values = request.body ?? {};
      const again = (error: AppError) =>
        eventPage(
          request,
          reply,
          event,
          definition,
          options,
          {
            form: formView(resolveForm(definition, event, request.t), values, error.details, request.t),
            errors: error.details,
            problem: error.details.length ? null : error.code,
          },
          error instanceof ValidationError ? 400 : error.statusCode,
        );
      const nonce = readFormNonce(config.sessionKey, event.id, values[NONCE_FIELD]);
      if (nonce && Date.now() - nonce.issuedAt > EMBED_NONCE_MAX_AGE_MS) return again(new AppError('form_expired'));
      const registerOptions = { locale: request.locale, mail: app.mail.settings, definition };
      try {
        if (spamReason(nonce, values, config.formMinFillSeconds) || !nonce) {
          await checkSubmission(request.em, event, values, registerOptions);
          request.log.info({ event: event.id }, 'embedded registration refused as spam');
          return reply.page('public/registration-refused', { event }, 400);
        }
        const { _csrf: _ignored, ...answers } = values;
        const bodyHash = requestHash(answers);
        const outcome = await registerOnce(
          request.em,
          { scope: `form:${event.id}`, key: `${nonce.id}.${bodyHash}`, requestHash: bodyHash },
          () => ({ status: 200, body: null }),
          (inTransaction) => register(request.em, event, values, { ...registerOptions, inTransaction }),
        );
        const registration =
          outcome.kind === 'new'
            ? outcome.value
            : await request.em.findOneOrFail(Registration, { id: outcome.record.registration.id });
        return reply.page('embed/registered', { event, registration, ...options });
      } catch (error) {
        if (!(error instanceof AppError) || error.statusCode >= 500) throw error;
        return again(error);
      }
    },
  );

  app.get('/embed/agenda', { config: publicRoute(), schema: { querystring: AgendaQuery } }, async (request, reply) => {
    const now = new Date();
    const events = (await listEvents(request.em, { status: 'published' }))
      .filter((e) => e.endsAt > now && (!request.query.series || e.series === request.query.series))
      .sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
    const ancestors = allowFraming(
      reply,
      config.frameAncestors,
      events.flatMap((e) => e.partnerOrigins ?? []),
    );
    const options = embedOptions(request.query, request.locale, ancestors, selfOrigin);
    return reply.page('embed/agenda', { events: events.slice(0, request.query.limit ?? 10), ...options });
  });
}
