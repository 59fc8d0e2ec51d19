import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { ValidationError, forbidden, notFound } from '../errors.js';
import { organiserPages } from '../organisers/guards.js';
import { IdParams, RowId } from '../shared/api-schemas.js';
import { FormBodySchema, formText } from '../shared/form-body.js';
import { redirectWithNotice, saveOrReshow } from '../shared/page-door.js';
import { signedIn } from '../shared/route-policy.js';
import { epciOfCommune, findCommune, findDepartment, searchCommunes } from '../territory/territory.js';
import { mergeStructures, mergedInto, splitStructure } from './merge.js';
import { Structure } from './structure.entity.js';
import { readStructureInput, validateStructureInput } from './structure-rules.js';
import {
  inScope,
  listStructures,
  movesOthersRegistrations,
  scopeOf,
  structureHistory,
  typesAndSides,
} from './structure-scope.js';
import { suggestMerges } from './suggestions.js';

const body = FormBodySchema;
const ListQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 200 })),
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
});
const EditQuery = Type.Object({ commune: Type.Optional(Type.String({ maxLength: 100 })) });
const PER_PAGE = 50;

/** The structure if the organiser may see it (`edit`: may change it), else a 404 or a 403. */
async function structureFor(request: FastifyRequest, id: number, edit: boolean): Promise<Structure> {
  const structure = await request.em.findOne(Structure, { id });
  if (!structure) throw notFound();
  const scope = await scopeOf(request.em, request.organiser!.id);
  if (!(await inScope(request.em, edit ? scope.editableEventIds : scope.eventIds, structure))) {
    if (edit && (await inScope(request.em, scope.eventIds, structure))) throw forbidden();
    throw notFound();
  }
  return structure;
}

/** The network's structures (organisers): list, suggested merges, merge, split, and each one's public card. */
export default async function structureAdminRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  organiserPages(app);

  app.get('/admin/structures', { config: signedIn(), schema: { querystring: ListQuery } }, async (request, reply) => {
    const scope = await scopeOf(request.em, request.organiser!.id);
    const q = request.query.q?.trim() ?? '';
    const page = request.query.page ?? 1;
    const list = await listStructures(request.em, scope.eventIds, { q, page, perPage: PER_PAGE });
    // Suggestions look at every structure in scope, not only this page's (a few hundred at most in a network).
    const all = q || page > 1 ? await listStructures(request.em, scope.eventIds, { perPage: 500 }) : list;
    const suggestions = suggestMerges(all.items);
    const { types } = await typesAndSides(request.em, scope.eventIds);
    return reply.page('admin/structures', {
      q,
      page,
      pages: Math.max(1, Math.ceil(list.total / PER_PAGE)),
      total: list.total,
      items: list.items.map((item) => ({
        ...item,
        typeLabel: item.structureType ? (types.get(item.structureType) ?? item.structureType) : '',
        commune: item.communeCode ? (findCommune(item.communeCode)?.name ?? item.communeCode) : '',
      })),
      suggestions,
      canEdit: scope.editableEventIds.length > 0,
    });
  });

  app.get(
    '/admin/structures/:id',
    { config: signedIn(), schema: { params: IdParams, querystring: EditQuery } },
    async (request, reply) => {
      const structure = await structureFor(request, request.params.id, false);
      return reply.page('admin/structure', await structurePage(request, structure));
    },
  );

  const structurePage = async (request: FastifyRequest, structure: Structure, extra: Record<string, unknown> = {}) => {
    const scope = await scopeOf(request.em, request.organiser!.id);
    const { types, sides } = await typesAndSides(request.em, scope.eventIds);
    const communeQuery = (request.query as { commune?: string }).commune?.trim() ?? '';
    const values = (extra.values as Record<string, unknown> | undefined) ?? {
      ...structure,
      validated: structure.directoryValidatedAt ? 'yes' : '',
    };
    const chosen =
      typeof values.communeCode === 'string' && values.communeCode ? findCommune(values.communeCode) : undefined;
    const found = communeQuery ? searchCommunes(communeQuery, 30) : [];
    const communes = chosen && !found.some((c) => c.code === chosen.code) ? [chosen, ...found] : found;
    const live = structure.mergedInto ? await request.em.findOne(Structure, { id: structure.mergedInto.id }) : null;
    return {
      structure,
      values,
      communeQuery,
      communesFound: found.length,
      communes: communes.map((c) => ({
        ...c,
        epci: epciOfCommune(c.code)?.name ?? '',
        department: findDepartment(c.departmentCode)?.name ?? c.departmentCode,
      })),
      types: [...types].map(([key, label]) => ({ key, label })),
      sides: [...sides].map(([key, label]) => ({ key, label })),
      history: await structureHistory(request.em, structure.id, scope.eventIds),
      merged: await mergedInto(request.em, structure.id),
      survivor: live,
      canEdit: await inScope(request.em, scope.editableEventIds, structure),
      ...extra,
    };
  };

  app.post(
    '/admin/structures/:id',
    { config: signedIn(), schema: { params: IdParams, querystring: EditQuery, body } },
    async (request, reply) => {
      const structure = await structureFor(request, request.params.id, true);
      const raw = request.body ?? {};
      const input = readStructureInput({ ...raw, validated: formText(raw, 'validated') ? 'yes' : 'no' });
      return saveOrReshow(
        reply,
        async () => {
          const scope = await scopeOf(request.em, request.organiser!.id);
          const { types, sides } = await typesAndSides(request.em, scope.eventIds);
          const errors = validateStructureInput(input, {
            types: new Set([...types.keys(), ...(structure.structureType ? [structure.structureType] : [])]),
            sides: new Set([...sides.keys(), ...(structure.side ? [structure.side] : [])]),
          });
          if (errors.length) throw new ValidationError(errors);
          const { validated, ...card } = input;
          Object.assign(structure, card);
          if (validated && !structure.directoryValidatedAt) structure.directoryValidatedAt = new Date();
          if (!validated) structure.directoryValidatedAt = null;
          structure.updatedAt = new Date();
          await request.em.flush();
          return { url: `/admin/structures/${structure.id}`, notice: 'structureSaved' };
        },
        async (error) =>
          reply.page(
            'admin/structure',
            await structurePage(request, structure, { values: raw, errors: error.details }),
            400,
          ),
      );
    },
  );

  app.post('/admin/structures/merge', { config: signedIn(), schema: { body } }, async (request, reply) => {
    const survivorId = Number(formText(request.body, 'survivor'));
    const mergedIds = [...new Set(([] as string[]).concat(request.body?.structure ?? []).map(Number))].filter(
      (id) => id !== survivorId,
    );
    if (!Number.isSafeInteger(survivorId) || survivorId < 1 || mergedIds.length === 0)
      return redirectWithNotice(reply, '/admin/structures', 'structureMergeNothing');
    await structureFor(request, survivorId, true);
    for (const id of mergedIds) await structureFor(request, id, true);
    // A merge moves every registration of the merged structure: none may be of another organiser's event.
    const { editableEventIds } = await scopeOf(request.em, request.organiser!.id);
    for (const id of mergedIds)
      if (await movesOthersRegistrations(request.em, editableEventIds, { structureId: id })) throw forbidden();
    for (const id of mergedIds) await mergeStructures(request.em, survivorId, id);
    return redirectWithNotice(reply, `/admin/structures/${survivorId}`, {
      key: 'structuresMerged',
      params: { count: mergedIds.length },
    });
  });

  app.post(
    '/admin/structures/:id/split',
    { config: signedIn(), schema: { params: Type.Object({ id: RowId }), body } },
    async (request, reply) => {
      const merged = await structureFor(request, request.params.id, true);
      const { editableEventIds } = await scopeOf(request.em, request.organiser!.id);
      const registrationIds = merged.mergedRegistrationIds ?? [];
      if (await movesOthersRegistrations(request.em, editableEventIds, { registrationIds })) throw forbidden();
      const structure = await splitStructure(request.em, request.params.id);
      return redirectWithNotice(reply, `/admin/structures/${structure.id}`, 'structureSplit');
    },
  );
}
