import { type InferEntity, defineEntity, p } from '@mikro-orm/core';

/**
 * A structure (organisation) of the network: it links the registrations of its staff across events. Its
 * name's normalised key (src/structures/normalize.ts) finds it again when someone registers with another
 * spelling. A merged structure is kept, pointing at the one it was merged into, with the registrations it
 * had, so that a split gives them back. Its card is public when someone from it consents, an organiser
 * validated it and it is not merged (isPublicCard).
 */
export const Structure = defineEntity({
  name: 'Structure',
  tableName: 'structure',
  properties: {
    id: p.integer().primary().autoincrement(),
    name: p.string().length(200),
    normalizedKey: p.string().length(255).index('structure_normalized_key_index'),
    /** A structure-type key of the events (src/events/structure-types.ts); null: unknown. */
    structureType: p.string().length(64).nullable(),
    /** A side key (src/events/sides.ts); null: the structure type's. */
    side: p.string().length(64).nullable(),
    /** The commune's INSEE code (src/territory). */
    communeCode: p.string().length(5).nullable(),
    siret: p.string().length(14).nullable(),
    website: p.string().length(300).nullable(),
    publicContact: p.string().length(300).nullable(),
    missions: p.text().nullable(),
    /** Someone from the structure ticked the directory box on a registration that is not cancelled, and kept it. */
    directoryConsent: p
      .boolean()
      .default(false)
      .onCreate(() => false),
    /** When an organiser validated the public card; null: not validated. */
    directoryValidatedAt: p.datetime().nullable(),
    /** The structure this one was merged into; null: not merged. */
    mergedInto: () => p.manyToOne(Structure).nullable().deleteRule('set null'),
    /** The ids of the registrations this structure had when it was merged (a split gives them back). */
    mergedRegistrationIds: p.json<number[]>().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()),
  },
});

export type Structure = InferEntity<typeof Structure>;

/** A card appears in the directory iff someone consents, an organiser validated it, and it is not merged. */
export function isPublicCard(
  structure: Pick<Structure, 'directoryConsent' | 'directoryValidatedAt' | 'mergedInto'>,
): boolean {
  return structure.directoryConsent && structure.directoryValidatedAt !== null && !structure.mergedInto;
}
