import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { Config } from '../config.js';
import { allowFraming, embedOptions } from '../embed/embed-page.js';
import { Event } from '../events/event.entity.js';
import { csvLines } from '../reports/csv.js';
import { publicRoute } from '../shared/route-policy.js';
import { type DirectoryCard, type DirectoryFilter, facet, filterCards } from './directory.js';
import { publishedCards } from './directory.service.js';

const short = () => Type.Optional(Type.String({ maxLength: 200 }));
const FilterQuery = {
  q: short(),
  type: short(),
  side: short(),
  commune: short(),
  epci: short(),
};
const DirectoryQuery = Type.Object(FilterQuery);
const EmbedDirectoryQuery = Type.Object({ ...FilterQuery, lang: short(), accent: short(), parent: short() });

function filterOf(query: Partial<DirectoryFilter>): DirectoryFilter {
  return {
    q: (query.q ?? '').trim(),
    type: (query.type ?? '').trim(),
    side: (query.side ?? '').trim(),
    commune: (query.commune ?? '').trim(),
    epci: (query.epci ?? '').trim(),
  };
}

/** What the directory pages show: the cards found, the lists of the filters (from every card), the filter. */
async function directoryView(request: FastifyRequest, query: Partial<DirectoryFilter>) {
  const all = await publishedCards(request.em);
  const filter = filterOf(query);
  const cards = filterCards(all, filter);
  return {
    all: all.length,
    cards,
    filter,
    filtered: Object.values(filter).some(Boolean),
    facets: {
      type: facet(all, (c) => c.type),
      side: facet(all, (c) => c.side),
      commune: facet(all, (c) => c.commune),
      epci: facet(all, (c) => c.epci),
    },
    csvQuery: new URLSearchParams(Object.entries(filter).filter(([, v]) => v)).toString(),
  };
}

function csvRows(cards: DirectoryCard[]): unknown[][] {
  return cards.map((c) => [
    c.name,
    c.type?.name ?? '',
    c.side?.name ?? '',
    c.commune?.name ?? '',
    c.commune?.code ?? '',
    c.epci?.name ?? '',
    c.missions,
    c.publicContact,
    c.website ?? '',
  ]);
}

export default async function directoryPublicRoutes(fastify: FastifyInstance, opts: { config: Config }) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const selfOrigin = new URL(opts.config.publicUrl).origin;

  // Pages are never kept by a cache (reply.page: no-store): a withdrawn consent removes the card at once.
  app.get('/annuaire', { config: publicRoute(), schema: { querystring: DirectoryQuery } }, async (request, reply) => {
    const view = await directoryView(request, request.query);
    return reply.page('public/directory', { ...view, action: '/annuaire', hidden: [], printedOn: new Date() });
  });

  app.get(
    '/annuaire.csv',
    { config: publicRoute(), schema: { querystring: DirectoryQuery } },
    async (request, reply) => {
      const { cards } = await directoryView(request, request.query);
      const header = ['name', 'type', 'side', 'commune', 'communeCode', 'epci', 'missions', 'contact', 'website'].map(
        (key) => request.t(`directory.csv.${key}`),
      );
      let csv = '';
      for await (const line of csvLines(header, csvRows(cards), ';')) csv += line;
      return reply
        .type('text/csv; charset=utf-8')
        .header('Content-Disposition', 'attachment; filename="annuaire.csv"')
        .header('Cache-Control', 'no-cache')
        .send(csv);
    },
  );

  // Framed on partners' sites (public/embed.js, data-atelier-directory), like the agenda.
  app.get(
    '/embed/annuaire',
    { config: publicRoute(), schema: { querystring: EmbedDirectoryQuery } },
    async (request, reply) => {
      const partners = await request.em.find(Event, {}, { fields: ['partnerOrigins'] });
      const ancestors = allowFraming(
        reply,
        opts.config.frameAncestors,
        partners.flatMap((e) => e.partnerOrigins ?? []),
      );
      const options = embedOptions(request.query, request.locale, ancestors, selfOrigin);
      const view = await directoryView(request, request.query);
      // The search form keeps the frame's language, colour and resizing.
      const hidden = [...new URLSearchParams(options.query.slice(1))];
      return reply.page('embed/directory', { ...view, ...options, action: '/embed/annuaire', hidden });
    },
  );
}
