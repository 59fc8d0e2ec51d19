import type { EntityManager } from '@mikro-orm/core';
import { Registration } from '../registrations/registration.entity.js';
import { normalizeStructureName } from './normalize.js';
import { Structure } from './structure.entity.js';
import { forgetStructureKeys, keepAtCommit, knownStructure, structureKeysGeneration } from './structure-keys.js';

/** A submitted "list my organisation in the directory" box: ticked on the form ("yes") or true in the API. */
export function directoryConsentGiven(raw: Record<string, unknown>): boolean {
  const value = raw.directoryConsent;
  return value === true || value === 'yes' || value === 'on' || value === 'true' || value === '1';
}

/**
 * The structure that answers to this key: a structure not merged (the oldest if several), else the one a merged
 * structure of that key was merged into (so a spelling merged away keeps leading to the survivor), or null.
 */
export async function findStructureByKey(em: EntityManager, key: string): Promise<Structure | null> {
  if (!key) return null;
  const found = await em.find(Structure, { normalizedKey: key }, { orderBy: { id: 'asc' }, limit: 10 });
  const live = found.find((structure) => !structure.mergedInto);
  if (live || found.length === 0) return live ?? null;
  let current = found[0] as Structure;
  for (let hop = 0; hop < 20 && current.mergedInto; hop++) {
    current = await em.findOneOrFail(Structure, { id: current.mergedInto.id });
  }
  return current.mergedInto ? null : current;
}

export interface StructureSeed {
  organisation: string;
  structureType: string | null;
  side?: string | null;
  /** The person ticked the directory box: the structure has consent (src/structures/structure.entity.ts). */
  directoryConsent?: boolean;
}

/**
 * The structure a registration's organisation names: found by its normalised key (one indexed lookup), else
 * created with the registration's name, type and side (one insert). Null for an empty name (anonymised).
 * A ticked directory box gives the structure consent at once; withdrawing is refreshDirectoryConsent's job.
 */
export async function structureFor(em: EntityManager, seed: StructureSeed): Promise<Structure | null> {
  const name = seed.organisation.trim();
  const key = normalizeStructureName(name);
  if (!key) return null;
  // Kept from an earlier registration's commit (src/structures/structure-keys.ts): no lookup. A ticked box
  // on a structure without consent yet looks it up, to give it.
  const known = knownStructure(em, key);
  if (known && (known.directoryConsent || !seed.directoryConsent)) return em.getReference(Structure, known.id);
  const generation = structureKeysGeneration(em);
  const found = await findStructureByKey(em, key);
  if (found) {
    if (seed.directoryConsent && !found.directoryConsent) {
      found.directoryConsent = true;
      found.updatedAt = new Date();
    }
    keepAtCommit(em, key, generation, () => ({ id: found.id, directoryConsent: found.directoryConsent }));
    return found;
  }
  const now = new Date();
  return em.create(Structure, {
    name: name.slice(0, 200),
    normalizedKey: key,
    structureType: seed.structureType || null,
    side: seed.side ?? null,
    directoryConsent: seed.directoryConsent ?? false,
    createdAt: now,
    updatedAt: now,
  });
}

/**
 * Links a registration whose organisation may have changed (an edit) to its structure again, and brings the
 * consent of the structure it leaves and of the one it joins up to date. The same name (by its key) keeps
 * the structure it has, a merge's survivor included. Flushes.
 */
export async function relinkStructure(em: EntityManager, registration: Registration, previousOrganisation: string) {
  const before = registration.structure?.id ?? null;
  if (before && normalizeStructureName(previousOrganisation) === normalizeStructureName(registration.organisation))
    return;
  const structure = await structureFor(em, {
    organisation: registration.organisation,
    structureType: registration.structureType,
    side: registration.side,
    directoryConsent: registration.directoryConsent,
  });
  if ((structure?.id ?? null) === before && structure?.id !== undefined) return;
  registration.structure = structure;
  await em.flush();
  await refreshDirectoryConsent(em, [before, structure?.id ?? null]);
}

/**
 * Recomputes each structure's directory consent from its registrations: true while one that is not cancelled
 * has the box ticked (an anonymised one keeps it: the choice is about the structure, not the person). Used
 * when a person withdraws, cancels, or leaves the structure.
 */
export async function refreshDirectoryConsent(em: EntityManager, structureIds: (number | null)[]): Promise<void> {
  const ids = [...new Set(structureIds.filter((id): id is number => id !== null))];
  if (ids.length === 0) return;
  const rows: { structure_id: number }[] = await em.getConnection().execute(
    `select distinct structure_id from registration
     where structure_id in (${ids.map(() => '?').join(', ')}) and directory_consent = ? and status <> ?`,
    [...ids, true, 'cancelled'],
    'all',
    em.getTransactionContext(),
  );
  const consenting = new Set(rows.map((row) => Number(row.structure_id)));
  const now = new Date();
  forgetStructureKeys(em);
  for (const id of ids) {
    await em.nativeUpdate(
      Structure,
      { id, directoryConsent: !consenting.has(id) },
      { directoryConsent: consenting.has(id), updatedAt: now },
    );
  }
}

/**
 * After an erasure: a structure no registration names any more, and that nothing was merged into, was known
 * only through the erased person, so it goes too (its name was part of what they gave).
 */
export async function forgetLoneStructure(em: EntityManager, structureId: number | null): Promise<void> {
  if (structureId === null) return;
  if (await em.count(Registration, { structure: structureId })) return;
  if (await em.count(Structure, { mergedInto: structureId })) return;
  forgetStructureKeys(em);
  await em.nativeDelete(Structure, { id: structureId });
}

/** The person's own choice on their private page: list their structure in the directory, or withdraw. */
export async function setDirectoryConsent(em: EntityManager, registration: Registration, consent: boolean) {
  registration.directoryConsent = consent;
  registration.updatedAt = new Date();
  await em.flush();
  await refreshDirectoryConsent(em, [registration.structure?.id ?? null]);
}

/** The longest list of names the registration form suggests (a datalist: each name is sent with the page). */
export const SUGGESTED_NAMES = 300;

/**
 * Which structures the organisation field may suggest to anyone: names are what attendees typed, so
 * one person's entry (sometimes their own name) is never shown to others. A name is offered once an
 * organiser validated its card, or once two different people, still registered and not anonymised,
 * gave it.
 */
const SUGGESTABLE = `s.merged_into_id is null and (s.directory_validated_at is not null or (
  select count(distinct r.email_key) from registration r
  where r.structure_id = s.id and r.status <> 'cancelled' and r.anonymised_at is null) >= 2)`;

/** Names of the known structures for the organisation field's suggestions, most used first, sorted. */
export async function suggestedStructureNames(em: EntityManager, limit = SUGGESTED_NAMES): Promise<string[]> {
  const rows: { name: string }[] = await em.getConnection().execute(
    `select s.name as name from structure s left join registration r on r.structure_id = s.id
     where ${SUGGESTABLE} group by s.id, s.name order by count(r.id) desc, s.id asc limit ?`,
    [limit],
  );
  return rows.map((row) => row.name).sort((a, b) => a.localeCompare(b, 'fr'));
}

/** Names of known structures starting with (or containing) the typed text, for the combobox; at most `limit`. */
export async function searchStructureNames(em: EntityManager, query: string, limit = 10): Promise<string[]> {
  const key = normalizeStructureName(query.slice(0, 200));
  if (!key) return [];
  // A key holds only letters, digits and spaces: nothing LIKE would read as a wildcard.
  const rows: { name: string; normalized_key: string }[] = await em.getConnection().execute(
    `select s.name, s.normalized_key from structure s where ${SUGGESTABLE} and s.normalized_key like ?
     order by s.name asc limit 200`,
    [`%${key}%`],
  );
  const starts = rows.filter((row) => row.normalized_key.startsWith(key));
  const others = rows.filter((row) => !row.normalized_key.startsWith(key));
  return [...starts, ...others].slice(0, limit).map((row) => row.name);
}
