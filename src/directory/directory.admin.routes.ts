import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { EntityManager } from '@mikro-orm/core';
import { memberEventIds } from '../access/access.service.js';
import { organiserPages } from '../organisers/guards.js';
import { signedIn } from '../shared/route-policy.js';
import { publishedCards, waitingCards } from './directory.service.js';

/** What a waiting card still lacks, among the public fields an organiser completes. */
const MISSING = ['missions', 'publicContact', 'communeCode', 'website'] as const;

/** The structures with people registered to these events: those the organiser's structure pages open. */
async function structuresOf(em: EntityManager, eventIds: number[]): Promise<Set<number>> {
  if (eventIds.length === 0) return new Set();
  const rows: { structure_id: number | null }[] = await em
    .getConnection()
    .execute(
      `select distinct structure_id from registration where structure_id is not null and event_id in (${eventIds.map(() => '?').join(', ')})`,
      eventIds,
    );
  return new Set(rows.map((row) => Number(row.structure_id)));
}

export default async function directoryAdminRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  organiserPages(app);

  // The cards of the structures met at the organiser's events, as on the structures pages (src/structures).
  app.get('/admin/annuaire', { config: signedIn() }, async (request, reply) => {
    const mine = await structuresOf(request.em, await memberEventIds(request.em, request.organiser!.id));
    const waiting = (await waitingCards(request.em)).filter((s) => mine.has(s.id));
    return reply.page('admin/directory', {
      waiting: waiting.map((s) => ({
        id: s.id,
        name: s.name,
        missing: MISSING.filter((field) => !s[field]?.trim()).map((field) => request.t(`directory.field.${field}`)),
      })),
      published: (await publishedCards(request.em)).filter((c) => mine.has(c.id)),
    });
  });
}
