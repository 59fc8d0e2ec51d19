import type { EntityManager } from '@mikro-orm/core';
import { ValidationError, notFound } from '../errors.js';
import { Registration } from '../registrations/registration.entity.js';
import { Structure } from './structure.entity.js';
import { refreshDirectoryConsent } from './structure.service.js';

/** Public-card fields a survivor takes from the merged structure when it has none of its own. */
const FILLED_FROM_MERGED = [
  'structureType',
  'side',
  'communeCode',
  'siret',
  'website',
  'publicContact',
  'missions',
] as const;

async function liveStructure(em: EntityManager, id: number, field: string): Promise<Structure> {
  const structure = Number.isSafeInteger(id) ? await em.findOne(Structure, { id }) : null;
  if (!structure) throw notFound();
  if (structure.mergedInto) throw new ValidationError([{ field, code: 'structure_already_merged' }]);
  return structure;
}

/**
 * Merges `mergedId` into `survivorId`: every registration of the merged structure moves to the survivor,
 * which takes the merged one's card fields it lacks. The merged structure stays, pointing at the survivor,
 * with the ids of the registrations it had, so that splitStructure gives them back. One transaction.
 */
export async function mergeStructures(em: EntityManager, survivorId: number, mergedId: number): Promise<Structure> {
  if (survivorId === mergedId) throw new ValidationError([{ field: 'survivor', code: 'structure_merge_self' }]);
  return em.transactional(async (tx) => {
    const survivor = await liveStructure(tx, survivorId, 'survivor');
    const merged = await liveStructure(tx, mergedId, 'merged');
    const rows = await tx.find(Registration, { structure: merged.id }, { fields: ['id'], orderBy: { id: 'asc' } });
    const ids = rows.map((row) => row.id);
    await tx.nativeUpdate(Registration, { structure: merged.id }, { structure: survivor.id });
    for (const field of FILLED_FROM_MERGED) {
      if (survivor[field] == null && merged[field] != null)
        (survivor as Record<string, unknown>)[field] = merged[field];
    }
    if (!survivor.directoryValidatedAt && merged.directoryValidatedAt)
      survivor.directoryValidatedAt = merged.directoryValidatedAt;
    const now = new Date();
    merged.mergedInto = survivor;
    merged.mergedRegistrationIds = ids;
    merged.updatedAt = now;
    survivor.updatedAt = now;
    await tx.flush();
    await refreshDirectoryConsent(tx, [survivor.id, merged.id]);
    return survivor;
  });
}

/**
 * Undoes a merge: the structure is live again and gets back the registrations it had when it was merged, from
 * wherever the merge sent them (its survivor, or what the survivor was merged into since). A registration
 * moved elsewhere since (its organisation corrected) stays where it is. One transaction.
 */
export async function splitStructure(em: EntityManager, structureId: number): Promise<Structure> {
  return em.transactional(async (tx) => {
    const structure = Number.isSafeInteger(structureId) ? await tx.findOne(Structure, { id: structureId }) : null;
    if (!structure) throw notFound();
    if (!structure.mergedInto) throw new ValidationError([{ field: 'structure', code: 'structure_not_merged' }]);
    const chain: number[] = [];
    let next: Structure | null = await tx.findOne(Structure, { id: structure.mergedInto.id });
    while (next && chain.length < 50 && !chain.includes(next.id)) {
      chain.push(next.id);
      next = next.mergedInto ? await tx.findOne(Structure, { id: next.mergedInto.id }) : null;
    }
    const ids = structure.mergedRegistrationIds ?? [];
    for (let start = 0; start < ids.length; start += 500) {
      const chunk = ids.slice(start, start + 500);
      await tx.nativeUpdate(
        Registration,
        { id: { $in: chunk }, structure: { $in: chain } },
        { structure: structure.id },
      );
    }
    structure.mergedInto = null;
    structure.mergedRegistrationIds = null;
    structure.updatedAt = new Date();
    await tx.flush();
    await refreshDirectoryConsent(tx, [structure.id, ...chain]);
    return structure;
  });
}

/** The structures merged into this one (for the page: each can be split off again). */
export async function mergedInto(em: EntityManager, structureId: number): Promise<Structure[]> {
  return em.find(Structure, { mergedInto: structureId }, { orderBy: { name: 'asc' } });
}
