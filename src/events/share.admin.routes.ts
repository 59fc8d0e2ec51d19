import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.js';
import { organiserPages } from '../organisers/guards.js';
import { IdParams } from '../shared/api-schemas.js';
import { onEvent } from '../shared/route-policy.js';
import { findEvent } from './event.service.js';
import { qrPng, qrSvg } from './qr-code.js';

/** What a partner pastes into their site: a placeholder with a link that works without JavaScript, and the script. */
export function embedSnippets(publicUrl: string, slug: string, series: string | null) {
  const script = `<script src="${publicUrl}/embed.js" async></script>`;
  const agendaSeries = series ? ` data-series="${series}"` : '';
  return {
    event: `<div data-atelier-event="${slug}"><a href="${publicUrl}/e/${slug}">${publicUrl}/e/${slug}</a></div>\n${script}`,
    agenda: `<div data-atelier-agenda${agendaSeries} data-limit="5"><a href="${publicUrl}/">${publicUrl}/</a></div>\n${script}`,
  };
}

/** The organisers' "Partager" page: the public link and its QR code, the snippets to embed it, and a preview. */
export default async function shareAdminRoutes(fastify: FastifyInstance, opts: { config: Config }) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  organiserPages(app);

  app.get(
    '/admin/events/:id/share',
    { config: onEvent('viewer'), schema: { params: IdParams } },
    async (request, reply) => {
      const event = await findEvent(request.em, request.params.id);
      const publicUrl = opts.config.publicUrl;
      return reply.page('admin/share', {
        event,
        link: `${publicUrl}/e/${event.slug}`,
        snippets: embedSnippets(publicUrl, event.slug, event.series ?? null),
      });
    },
  );

  app.get(
    '/admin/events/:id/share/flyer',
    { config: onEvent('viewer'), schema: { params: IdParams } },
    async (request, reply) => {
      const event = await findEvent(request.em, request.params.id);
      return reply.page('admin/flyer', { event, link: `${opts.config.publicUrl}/e/${event.slug}` });
    },
  );

  // The QR code of the public link, to download (SVG for print, PNG for the rest) and shown on the page and flyer.
  const qrFormats = {
    svg: { type: 'image/svg+xml; charset=utf-8', draw: qrSvg },
    png: { type: 'image/png', draw: qrPng },
  } as const;
  for (const [format, { type, draw }] of Object.entries(qrFormats)) {
    app.get(
      `/admin/events/:id/share/qr.${format}`,
      { config: onEvent('viewer'), schema: { params: IdParams } },
      async (request, reply) => {
        const event = await findEvent(request.em, request.params.id);
        return reply
          .type(type)
          .header('content-disposition', `inline; filename="qr-${event.slug}.${format}"`)
          .send(await draw(`${opts.config.publicUrl}/e/${event.slug}`));
      },
    );
  }
}
