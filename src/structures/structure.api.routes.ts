import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { notFound } from '../errors.js';
import { requireApiToken } from '../organisers/guards.js';
import { IdParams, Nullable, errorResponses } from '../shared/api-schemas.js';
import { signedIn } from '../shared/route-policy.js';
import { epciOfCommune, findCommune } from '../territory/territory.js';
import { isPublicCard, Structure } from './structure.entity.js';
import { type StructureRow, inScope, listStructures, scopeOf, structureHistory } from './structure-scope.js';

const ListQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 200, description: 'Part of the name, any spelling (normalised)' })),
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000, default: 1 })),
  perPage: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
});

const Area = Type.Object({ code: Type.String(), name: Type.String() });

const StructureSummary = Type.Object(
  {
    id: Type.Integer(),
    name: Type.String(),
    normalizedKey: Type.String(),
    structureType: Nullable<string>({ type: 'string' }),
    side: Nullable<string>({ type: 'string' }),
    communeCode: Nullable<string>({ type: 'string', description: 'INSEE code of the commune' }),
    directoryConsent: Type.Boolean(),
    directoryValidatedAt: Nullable<string>({ type: 'string' }),
    registrations: Type.Integer({ description: "Registrations in the token's organiser's events" }),
    events: Type.Integer(),
  },
  { $id: 'StructureSummary' },
);

const StructureDetail = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  normalizedKey: Type.String(),
  structureType: Nullable<string>({ type: 'string' }),
  side: Nullable<string>({ type: 'string' }),
  commune: Type.Union([Area, Type.Null()]),
  epci: Type.Union([Area, Type.Null()]),
  departmentCode: Nullable<string>({ type: 'string' }),
  siret: Nullable<string>({ type: 'string' }),
  website: Nullable<string>({ type: 'string' }),
  publicContact: Nullable<string>({ type: 'string' }),
  missions: Nullable<string>({ type: 'string' }),
  directoryConsent: Type.Boolean(),
  directoryValidatedAt: Nullable<string>({ type: 'string' }),
  publicCard: Type.Boolean({ description: 'Shown in the directory: consent, validated, not merged' }),
  mergedInto: Nullable<number>({ type: 'integer' }),
  history: Type.Array(
    Type.Object({ eventId: Type.Integer(), title: Type.String(), year: Type.Integer(), registrations: Type.Integer() }),
  ),
});

function summaryJson(row: StructureRow) {
  return { ...row, directoryValidatedAt: row.directoryValidatedAt?.toISOString() ?? null };
}

/** The network's structures for the API (organiser token), scoped like the Structures page. */
export default async function structureApiRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.addHook('onRequest', requireApiToken);
  app.addSchema(StructureSummary);
  const tags = ['structures'];
  const security = [{ bearer: [] }];

  app.get(
    '/api/v1/structures',
    {
      config: signedIn(),
      schema: {
        tags,
        security,
        summary: "The structures with registrations in the token's organiser's events, by name, a page at a time",
        querystring: ListQuery,
        response: {
          200: Type.Object({
            items: Type.Array(Type.Ref('StructureSummary')),
            total: Type.Integer(),
            page: Type.Integer(),
            perPage: Type.Integer(),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const scope = await scopeOf(request.em, request.organiser!.id);
      const page = request.query.page ?? 1;
      const perPage = request.query.perPage ?? 50;
      const list = await listStructures(request.em, scope.eventIds, { q: request.query.q, page, perPage });
      return { items: list.items.map(summaryJson), total: list.total, page, perPage };
    },
  );

  app.get(
    '/api/v1/structures/:id',
    {
      config: signedIn(),
      schema: {
        tags,
        security,
        summary: 'One structure, its public card and its history of events',
        params: IdParams,
        response: { 200: StructureDetail, ...errorResponses },
      },
    },
    async (request) => {
      const structure = await request.em.findOne(Structure, { id: request.params.id });
      const scope = await scopeOf(request.em, request.organiser!.id);
      if (!structure || !(await inScope(request.em, scope.eventIds, structure))) throw notFound();
      const commune = structure.communeCode ? findCommune(structure.communeCode) : undefined;
      const epci = commune ? epciOfCommune(commune.code) : undefined;
      return {
        id: structure.id,
        name: structure.name,
        normalizedKey: structure.normalizedKey,
        structureType: structure.structureType,
        side: structure.side,
        commune: commune ? { code: commune.code, name: commune.name } : null,
        epci: epci ?? null,
        departmentCode: commune?.departmentCode ?? null,
        siret: structure.siret,
        website: structure.website,
        publicContact: structure.publicContact,
        missions: structure.missions,
        directoryConsent: structure.directoryConsent,
        directoryValidatedAt: structure.directoryValidatedAt?.toISOString() ?? null,
        publicCard: isPublicCard(structure),
        mergedInto: structure.mergedInto?.id ?? null,
        history: await structureHistory(request.em, structure.id, scope.eventIds),
      };
    },
  );
}
