import type { EntityManager } from '@mikro-orm/core';
import { Type } from 'typebox';
import type { Event } from '../events/event.entity.js';
import { StringEnum } from '../shared/api-schemas.js';
import { searchKey } from './check-in.service.js';
import { REGISTRATION_STATUSES, Registration, type RegistrationStatus } from './registration.entity.js';

/** How the organisers' list can be sorted. */
export const LIST_SORTS = ['name', 'date', 'organisation'] as const;
export type ListSort = (typeof LIST_SORTS)[number];

/**
 * The list page's address: every filter optional, an empty one meaning "all" (the form sends them empty).
 * Anything else (an unknown status, sort or group) is refused by the schema; the page says so.
 */
export const ListQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 200 })),
  status: Type.Optional(StringEnum(['', ...REGISTRATION_STATUSES])),
  structureType: Type.Optional(Type.String({ maxLength: 64 })),
  group: Type.Optional(Type.String({ maxLength: 10, pattern: '^(|none|[1-9][0-9]{0,9})$' })),
  sort: Type.Optional(StringEnum(['', ...LIST_SORTS])),
  erased: Type.Optional(Type.String({ maxLength: 20 })),
});

export interface ListFilter {
  q: string;
  status?: RegistrationStatus;
  structureType?: string;
  /** A breakout group's id, or 'none' for people without a group. */
  group?: number | 'none';
  sort: ListSort;
}

/** The filter the address asks for; a structure type or group this event does not have is an error. */
export function readListFilter(
  event: Event,
  query: { q?: string; status?: string; structureType?: string; group?: string; sort?: string },
): { filter: ListFilter; unknown: boolean } {
  const filter: ListFilter = { q: (query.q ?? '').trim(), sort: (query.sort || 'date') as ListSort };
  let unknown = false;
  if (query.status) filter.status = query.status as RegistrationStatus;
  if (query.structureType) {
    if (event.structureTypes.some((t) => t.key === query.structureType)) filter.structureType = query.structureType;
    else unknown = true;
  }
  if (query.group === 'none') filter.group = 'none';
  else if (query.group) {
    const id = Number(query.group);
    if (event.sessions.getItems().some((s) => s.id === id && s.kind === 'breakout')) filter.group = id;
    else unknown = true;
  }
  return { filter, unknown };
}

/**
 * The event's registrations for the organisers' list: filtered in the database by status, type and
 * group, then by every word of the search in the name, email or organisation (ignoring case and
 * accents), sorted in French order. An event has at most a few thousand registrations.
 */
export async function searchRegistrations(em: EntityManager, event: Event, filter: ListFilter) {
  const where: Record<string, unknown> = { event: event.id };
  if (filter.status) where.status = filter.status;
  if (filter.structureType) where.structureType = filter.structureType;
  if (filter.group !== undefined) where.group = filter.group === 'none' ? null : filter.group;
  const rows = await em.find(Registration, where, { populate: ['group'], orderBy: { id: 'asc' } });
  const words = searchKey(filter.q).split(' ').filter(Boolean);
  const items = words.length
    ? rows.filter((r) => {
        const haystack = searchKey(`${r.firstName} ${r.lastName} ${r.email} ${r.organisation}`);
        return words.every((word) => haystack.includes(word));
      })
    : rows;
  const collator = new Intl.Collator('fr', { sensitivity: 'base', numeric: true });
  const byName = (a: Registration, b: Registration) =>
    collator.compare(a.lastName, b.lastName) || collator.compare(a.firstName, b.firstName);
  const byDate = (a: Registration, b: Registration) => a.createdAt.getTime() - b.createdAt.getTime();
  const compare = {
    name: (a: Registration, b: Registration) => byName(a, b) || a.id - b.id,
    date: (a: Registration, b: Registration) => byDate(a, b) || a.id - b.id,
    organisation: (a: Registration, b: Registration) =>
      collator.compare(a.organisation, b.organisation) || byName(a, b) || a.id - b.id,
  }[filter.sort];
  return items.sort(compare);
}

/** Rows of the list ticked at once, at most (what its selection form sends to export, cancel or write to). */
export const MAX_SELECTED_REGISTRATIONS = 5000;

/** The selected registrations of this event, in the list's order; ids of other events are left out. */
export async function selectedRegistrations(em: EntityManager, event: Event, ids: number[]): Promise<Registration[]> {
  if (!ids.length) return [];
  return em.find(
    Registration,
    { event: event.id, id: { $in: [...new Set(ids)].slice(0, 5000) } },
    { orderBy: { lastName: 'asc', firstName: 'asc', id: 'asc' } },
  );
}
