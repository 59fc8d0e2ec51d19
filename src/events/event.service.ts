import type { EntityManager } from '@mikro-orm/core';
import { AppError, type FieldError, ValidationError, notFound } from '../errors.js';
import { Event, EventSession, type EventStatus, type Side, type StructureType } from './event.entity.js';
import {
  type EventInput,
  REMINDER_DAYS,
  RETENTION_MONTHS,
  type SessionInput,
  validateEvent,
  validateSession,
} from './event-rules.js';
import { canonicalTimeZone, sessionOutsideEventErrors } from './event-dates.js';
import { DEFAULT_STRUCTURE_TYPES, validateStructureTypes } from './structure-types.js';
import { DEFAULT_SIDES, sidesOf, validateSides, validateTypeSides } from './sides.js';
import { sidesInUse } from './sides-in-use.js';

/**
 * Tells the attendees of a change of times or places. Called before the change (to note their
 * invites); what it returns queues the updates after the change is flushed, in the same transaction.
 * The mail floor provides it (announceByMail, src/mail/notifications.ts); events/ sends no mail itself.
 */
export type ChangeAnnouncer = (
  em: EntityManager,
  event: Event,
) => Promise<{ queueChanges(em: EntityManager): Promise<unknown> }>;

/** How a change of times or places reaches the attendees. */
export interface ChangeOptions {
  /** Given: the attendees concerned get a calendar update, queued in the same transaction as the change. */
  announce?: ChangeAnnouncer;
  /** false: change without telling anyone (a later invite download still carries the new SEQUENCE). */
  notify?: boolean;
}

export async function findEvent(em: EntityManager, id: number): Promise<Event> {
  const event = Number.isSafeInteger(id) ? await em.findOne(Event, { id }, { populate: ['sessions'] }) : null;
  if (!event) throw notFound();
  return event;
}

export async function findEventBySlug(em: EntityManager, slug: string): Promise<Event | null> {
  return em.findOne(Event, { slug }, { populate: ['sessions'] });
}

/** Events, newest first; `ids` keeps only those (an organiser's own events). */
export async function listEvents(
  em: EntityManager,
  filter: { status?: EventStatus; ids?: number[] } = {},
): Promise<Event[]> {
  const where: Record<string, unknown> = {};
  if (filter.status) where.status = filter.status;
  if (filter.ids) where.id = { $in: filter.ids };
  return em.find(Event, where, { orderBy: { startsAt: 'desc', id: 'desc' }, populate: ['sessions'] });
}

async function assertSlugFree(em: EntityManager, slug: string, exceptId?: number) {
  const other = await em.findOne(Event, { slug });
  if (other && other.id !== exceptId) throw new AppError('slug_taken', [{ field: 'slug', code: 'slug_taken' }]);
}

export async function createEvent(em: EntityManager, input: EventInput): Promise<Event> {
  const event = await persistNewEvent(em, input);
  await em.flush();
  return event;
}

/**
 * Checks the input and persists a new event with its sessions, without flushing: a caller one floor
 * up adds what belongs with it (the creator's owner role) and flushes all of it in one transaction.
 */
export async function persistNewEvent(em: EntityManager, input: EventInput): Promise<Event> {
  const errors = validateEvent(input);
  if (errors.length) throw new ValidationError(errors);
  await assertSlugFree(em, input.slug);
  const now = new Date();
  const event = em.create(Event, {
    slug: input.slug,
    title: input.title.trim(),
    description: input.description?.trim() ?? '',
    venue: input.venue?.trim() ?? '',
    address: input.address?.trim() ?? '',
    timezone: canonicalTimeZone(input.timezone ?? 'Europe/Paris') ?? 'Europe/Paris',
    startsAt: input.startsAt,
    endsAt: input.endsAt,
    capacity: input.capacity ?? null,
    confirmedCount: 0,
    status: input.status ?? 'draft',
    registrationOpensAt: input.registrationOpensAt ?? null,
    registrationClosesAt: input.registrationClosesAt ?? null,
    registrationMode: input.registrationMode ?? 'open',
    structureTypes: input.structureTypes ?? DEFAULT_STRUCTURE_TYPES.map((t) => ({ ...t })),
    sides: (input.sides ?? DEFAULT_SIDES).map((s) => ({ key: s.key, label: s.label.trim() })),
    organiserName: input.organiserName?.trim() ?? '',
    replyTo: input.replyTo?.trim() ?? '',
    series: input.series ?? null,
    retentionMonths: input.retentionMonths ?? RETENTION_MONTHS.default,
    reminderDaysBefore: input.reminderDaysBefore === undefined ? REMINDER_DAYS.default : input.reminderDaysBefore,
    thankYouText: input.thankYouText?.trim() ?? '',
    sequence: 0,
    createdAt: now,
    updatedAt: now,
  });
  input.sessions?.forEach((session, index) => addSessionTo(em, event, session, index));
  return event;
}

function addSessionTo(em: EntityManager, event: Event, input: SessionInput, position: number): EventSession {
  const session = em.create(EventSession, {
    event,
    kind: input.kind,
    title: input.title.trim(),
    topic: input.topic?.trim() ?? '',
    facilitator: input.facilitator?.trim() ?? '',
    room: input.room?.trim() ?? '',
    startsAt: input.startsAt,
    endsAt: input.endsAt,
    capacity: input.capacity ?? null,
    position,
  });
  event.sessions.add(session);
  return session;
}

function applySession(session: EventSession, input: SessionInput): boolean {
  const moved =
    session.startsAt.getTime() !== input.startsAt.getTime() ||
    session.endsAt.getTime() !== input.endsAt.getTime() ||
    session.room !== (input.room?.trim() ?? '');
  Object.assign(session, {
    kind: input.kind,
    title: input.title.trim(),
    topic: input.topic?.trim() ?? '',
    facilitator: input.facilitator?.trim() ?? '',
    room: input.room?.trim() ?? '',
    startsAt: input.startsAt,
    endsAt: input.endsAt,
    capacity: input.capacity ?? null,
  });
  return moved;
}

/**
 * Applies a partial change. `sessions`, when given, is the whole programme: sessions with an id are
 * updated, without one created, and those left out removed. Time or place changes raise `sequence`.
 */
export async function updateEvent(
  em: EntityManager,
  event: Event,
  patch: Partial<EventInput>,
  options: ChangeOptions = {},
): Promise<Event> {
  if (patch.timezone !== undefined) patch = { ...patch, timezone: canonicalTimeZone(patch.timezone) ?? patch.timezone };
  const merged: EventInput = { ...snapshot(event), ...patch };
  if (patch.structureTypes && !patch.sides) merged.sides = sidesOf(event);
  // A side still in use is refused first (409): its types would otherwise only read as on an unknown side.
  if (patch.sides && !validateSides(patch.sides).length)
    await refuseSidesInUse(em, event, patch.sides, patch.structureTypes ?? event.structureTypes);
  const errors = validateEvent(merged);
  if (patch.capacity != null && patch.capacity < event.confirmedCount)
    errors.push({ field: 'capacity', code: 'capacity_below_confirmed', params: { confirmed: event.confirmedCount } });
  if (patch.sessions) {
    const known = new Set(event.sessions.getItems().map((s) => s.id));
    patch.sessions.forEach((s, i) => {
      if (s.id !== undefined && !known.has(s.id)) errors.push({ field: `sessions.${i}.id`, code: 'unknown_session' });
    });
  }
  if (patch.structureTypes && !errors.length)
    errors.push(...(await structureTypesInUse(em, event, patch.structureTypes)));
  if (errors.length) throw new ValidationError(errors);
  if (patch.slug && patch.slug !== event.slug) await assertSlugFree(em, patch.slug, event.id);

  return em.transactional(async (tx) => {
    const watch = await watchFor(tx, event, options);
    let moved =
      ['startsAt', 'endsAt'].some(
        (k) =>
          k in patch &&
          (patch as Record<string, Date>)[k].getTime() !== (event as unknown as Record<string, Date>)[k].getTime(),
      ) ||
      ['venue', 'address', 'timezone'].some(
        (k) => k in patch && (patch as Record<string, string>)[k] !== (event as unknown as Record<string, string>)[k],
      );
    const { sessions, ...fields } = patch;
    Object.assign(event, trimStrings(fields), { updatedAt: new Date() });
    if (sessions) moved = syncSessions(tx, event, sessions) || moved;
    if (moved) event.sequence += 1;
    await tx.flush();
    if (moved) await watch?.queueChanges(tx);
    return event;
  });
}

/** Notes the attendees' invites before a change, when the change is to be announced. */
async function watchFor(em: EntityManager, event: Event, options: ChangeOptions) {
  return options.announce && options.notify !== false ? options.announce(em, event) : null;
}

function syncSessions(em: EntityManager, event: Event, inputs: SessionInput[]): boolean {
  let moved = false;
  const keep = new Set(inputs.filter((s) => s.id !== undefined).map((s) => s.id));
  for (const session of event.sessions.getItems()) {
    if (!keep.has(session.id)) {
      event.sessions.remove(session);
      em.remove(session);
      moved = true;
    }
  }
  inputs.forEach((input, position) => {
    const existing = input.id !== undefined ? event.sessions.getItems().find((s) => s.id === input.id) : undefined;
    if (existing) {
      moved = applySession(existing, input) || moved;
      existing.position = position;
    } else {
      addSessionTo(em, event, input, position);
      moved = true;
    }
  });
  return moved;
}

export async function addSession(
  em: EntityManager,
  event: Event,
  input: SessionInput,
  options: ChangeOptions = {},
): Promise<EventSession> {
  const errors = [...validateSession(input), ...sessionOutsideEventErrors(event, input)];
  if (errors.length) throw new ValidationError(errors);
  return em.transactional(async (tx) => {
    const watch = await watchFor(tx, event, options);
    const session = addSessionTo(tx, event, input, event.sessions.length);
    event.sequence += 1;
    await tx.flush();
    await watch?.queueChanges(tx);
    return session;
  });
}

export async function updateSession(
  em: EntityManager,
  event: Event,
  session: EventSession,
  input: SessionInput,
  options: ChangeOptions = {},
): Promise<EventSession> {
  const errors = [...validateSession(input), ...sessionOutsideEventErrors(event, input)];
  if (errors.length) throw new ValidationError(errors);
  return em.transactional(async (tx) => {
    const watch = await watchFor(tx, event, options);
    const moved = applySession(session, input);
    if (moved) event.sequence += 1;
    await tx.flush();
    if (moved) await watch?.queueChanges(tx);
    return session;
  });
}

export async function removeSession(
  em: EntityManager,
  event: Event,
  session: EventSession,
  options: ChangeOptions = {},
): Promise<void> {
  await em.transactional(async (tx) => {
    const watch = await watchFor(tx, event, options);
    event.sessions.remove(session);
    tx.remove(session);
    event.sequence += 1;
    await tx.flush();
    await watch?.queueChanges(tx);
  });
}

/** Keys that registrations use cannot disappear, or those registrations would lose their type. */
async function structureTypesInUse(em: EntityManager, event: Event, types: StructureType[]): Promise<FieldError[]> {
  const rows: { structure_type: string }[] = await em
    .getConnection()
    .execute(
      'select distinct structure_type from registration where event_id = ?',
      [event.id],
      'all',
      em.getTransactionContext(),
    );
  const kept = new Set(types.map((t) => t.key));
  return rows
    .filter((r) => !kept.has(r.structure_type))
    .map((r) => ({ field: 'structureTypes', code: 'structure_type_in_use', params: { key: r.structure_type } }));
}

/**
 * The structure types and, when given, the sides of the event, as the organiser page saves them together: all
 * checked first, then saved at once, so a refusal leaves both as they were. A side still in use is refused (409).
 */
export async function setSidesAndTypes(
  em: EntityManager,
  event: Event,
  sides: Side[] | null,
  types: StructureType[],
): Promise<void> {
  const errors = [...validateStructureTypes(types), ...(sides ? validateSides(sides) : [])];
  if (errors.length) throw new ValidationError(errors);
  if (sides) await refuseSidesInUse(em, event, sides, types);
  errors.push(...validateTypeSides(types, sides ?? sidesOf(event)), ...(await structureTypesInUse(em, event, types)));
  if (errors.length) throw new ValidationError(errors);
  if (sides) event.sides = sides.map((s) => ({ key: s.key, label: s.label.trim() }));
  event.structureTypes = types.map((t) => ({ key: t.key, label: t.label.trim(), ...(t.side ? { side: t.side } : {}) }));
  event.updatedAt = new Date();
  await em.flush();
}

/** Removing a side that a structure type or a person is on loses nothing: it is refused, saying who uses it. */
async function refuseSidesInUse(em: EntityManager, event: Event, sides: Side[], types: StructureType[]) {
  const inUse = await sidesInUse(em, event, sides, types);
  if (inUse.length) throw new AppError('side_in_use', inUse);
}

function snapshot(event: Event): EventInput {
  return {
    title: event.title,
    slug: event.slug,
    description: event.description,
    venue: event.venue,
    address: event.address,
    timezone: event.timezone,
    startsAt: event.startsAt,
    endsAt: event.endsAt,
    capacity: event.capacity,
    status: event.status,
    registrationOpensAt: event.registrationOpensAt,
    registrationClosesAt: event.registrationClosesAt,
    registrationMode: event.registrationMode,
    series: event.series,
    organiserName: event.organiserName,
    replyTo: event.replyTo,
    retentionMonths: event.retentionMonths,
    reminderDaysBefore: event.reminderDaysBefore,
    thankYouText: event.thankYouText,
  };
}

function trimStrings<T extends object>(fields: T): T {
  return Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, typeof v === 'string' ? v.trim() : v])) as T;
}
