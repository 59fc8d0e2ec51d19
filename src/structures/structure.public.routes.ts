import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { publicRoute } from '../shared/route-policy.js';
import { searchStructureNames } from './structure.service.js';

const SuggestQuery = Type.Object({ q: Type.Optional(Type.String({ maxLength: 200 })) });

/**
 * Names of known structures matching what someone types in the organisation field: the registration form's
 * datalist holds the most used names, and public/structure-suggest.js fills it from here as people type.
 * Only structure names, which are public; never anything about a person.
 */
export default async function structurePublicRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/structures/suggest',
    {
      config: publicRoute(),
      schema: {
        querystring: SuggestQuery,
        response: { 200: Type.Object({ names: Type.Array(Type.String()) }) },
      },
    },
    async (request, reply) => {
      const q = request.query.q?.trim() ?? '';
      const names = q.length >= 2 ? await searchStructureNames(request.em, q, 10) : [];
      reply.header('Cache-Control', 'public, max-age=60');
      return { names };
    },
  );
}
