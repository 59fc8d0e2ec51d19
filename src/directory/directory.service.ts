/**
 * Reads the directory's cards: the structures whose card is public (someone from it consents, an
 * organiser validated it, it is not merged), with their type, side and territory named. Only the
 * structure's public fields are read: nothing from the registrations.
 */
import type { EntityManager } from '@mikro-orm/core';
import { Event } from '../events/event.entity.js';
import { DEFAULT_TYPE_SIDES } from '../events/sides.js';
import { networkLabels } from '../network/network.service.js';
import { Structure } from '../structures/structure.entity.js';
import { findCommune, findEpci } from '../territory/index.js';
import { type DirectoryCard, safeWebsite, sortCards } from './directory.js';

type CardFields = Pick<
  Structure,
  'id' | 'name' | 'structureType' | 'side' | 'communeCode' | 'missions' | 'publicContact' | 'website'
>;

/** The structure's card, its keys named with the events' labels (latest first) and the territory's names. */
export function cardOf(structure: CardFields, labels: ReturnType<typeof networkLabels>): DirectoryCard {
  const typeKey = structure.structureType;
  const sideKey = structure.side || (typeKey ? DEFAULT_TYPE_SIDES[typeKey] : undefined) || null;
  const commune = structure.communeCode ? findCommune(structure.communeCode) : undefined;
  const epci = commune?.epciCode ? findEpci(commune.epciCode) : undefined;
  return {
    id: structure.id,
    name: structure.name,
    type: typeKey ? { code: typeKey, name: labels.structureType(typeKey) } : null,
    side: sideKey ? { code: sideKey, name: labels.side(sideKey) } : null,
    commune: commune ? { code: commune.code, name: commune.name } : null,
    epci: epci ? { code: epci.code, name: epci.name } : null,
    missions: structure.missions ?? '',
    publicContact: structure.publicContact ?? '',
    website: safeWebsite(structure.website),
  };
}

/** The labels of structure types and sides, from every event, the latest's wording first. */
export async function directoryLabels(em: EntityManager) {
  const events = await em.find(
    Event,
    {},
    { fields: ['structureTypes', 'sides'], orderBy: { startsAt: 'desc', id: 'desc' } },
  );
  return networkLabels(events);
}

const CARD_FIELDS = [
  'id',
  'name',
  'structureType',
  'side',
  'communeCode',
  'missions',
  'publicContact',
  'website',
] as const;

/** Every public card, in alphabetical order. */
export async function publishedCards(em: EntityManager): Promise<DirectoryCard[]> {
  const structures = await em.find(
    Structure,
    { directoryConsent: true, directoryValidatedAt: { $ne: null }, mergedInto: null },
    { fields: [...CARD_FIELDS] },
  );
  const labels = await directoryLabels(em);
  return sortCards(structures.map((s) => cardOf(s, labels)));
}

/** The cards someone consented to that wait for an organiser's validation (not merged). */
export async function waitingCards(em: EntityManager): Promise<Structure[]> {
  return em.find(
    Structure,
    { directoryConsent: true, directoryValidatedAt: null, mergedInto: null },
    { orderBy: { name: 'asc', id: 'asc' } },
  );
}
