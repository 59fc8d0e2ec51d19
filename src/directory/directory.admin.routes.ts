import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { organiserPages } from '../organisers/guards.js';
import { signedIn } from '../shared/route-policy.js';
import { publishedCards, waitingCards } from './directory.service.js';

/** What a waiting card still lacks, among the public fields an organiser completes. */
const MISSING = ['missions', 'publicContact', 'communeCode', 'website'] as const;

export default async function directoryAdminRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  organiserPages(app);

  // The network's structures belong to no one event: any signed-in organiser completes and validates cards.
  app.get('/admin/annuaire', { config: signedIn() }, async (request, reply) => {
    const waiting = await waitingCards(request.em);
    return reply.page('admin/directory', {
      waiting: waiting.map((s) => ({
        id: s.id,
        name: s.name,
        missing: MISSING.filter((field) => !s[field]?.trim()).map((field) => request.t(`directory.field.${field}`)),
      })),
      published: await publishedCards(request.em),
    });
  });
}
