import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { Config } from '../config.js';
import { ValidationError } from '../errors.js';
import { findEvent } from '../events/event.service.js';
import { organiserPages } from '../organisers/guards.js';
import { saveOrReshow } from '../shared/page-door.js';
import { onEvent } from '../shared/route-policy.js';
import { MAX_PARTNER_ORIGINS, parsePartnerOrigins } from './partner-origins.js';

const params = Type.Object({ id: Type.Integer() });
// Optional so that a post without its CSRF token is answered by the CSRF check (403), not the schema.
const body = Type.Object({ origins: Type.Optional(Type.String({ maxLength: 8000 })) }, { additionalProperties: true });

/** Page "Sites partenaires": the sites allowed to show this event's embed pages (src/embed/partner-origins.ts). */
export default async function embedAdminRoutes(fastify: FastifyInstance, opts: { config: Config }) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  organiserPages(app);
  const page = (event: Awaited<ReturnType<typeof findEvent>>, origins: string) => ({
    event,
    origins,
    publicUrl: opts.config.publicUrl,
    frameAncestors: opts.config.frameAncestors.join(' '),
  });

  app.get('/admin/events/:id/partners', { config: onEvent('viewer'), schema: { params } }, async (request, reply) => {
    const event = await findEvent(request.em, request.params.id);
    return reply.page('admin/partners', page(event, (event.partnerOrigins ?? []).join('\n')));
  });

  app.post(
    '/admin/events/:id/partners',
    { config: onEvent('organiser'), schema: { params, body } },
    async (request, reply) => {
      const event = await findEvent(request.em, request.params.id);
      const text = request.body.origins ?? '';
      return saveOrReshow(
        reply,
        async () => {
          const { origins, wrong } = parsePartnerOrigins(text);
          if (wrong.length) {
            throw new ValidationError([{ field: 'origins', code: 'partner_origin', params: { value: wrong[0] } }]);
          }
          if (origins.length > MAX_PARTNER_ORIGINS) {
            throw new ValidationError([
              { field: 'origins', code: 'too_many_partners', params: { max: MAX_PARTNER_ORIGINS } },
            ]);
          }
          event.partnerOrigins = origins;
          await request.em.flush();
          return { url: `/admin/events/${event.id}/partners`, notice: 'partnersSaved' };
        },
        (error) => reply.page('admin/partners', { ...page(event, text), errors: error.details }, 400),
      );
    },
  );
}
