import type { EntityManager } from '@mikro-orm/core';
import { ValidationError } from '../errors.js';
import { shiftOnWallClock, utcToZonedLocal } from '../shared/time.js';
import { Event } from './event.entity.js';
import { yearRangeErrors } from './event-dates.js';
import type { EventInput } from './event-rules.js';
import { persistNewEvent } from './event.service.js';

/** What the organiser chooses for the next edition; the rest comes from the event it copies. */
export interface EditionChoice {
  startsAt: Date;
  /** Blank: the old slug with the new year (or the new year added), made unique. */
  slug?: string;
  /** Blank: the old title, its year replaced by the new one. */
  title?: string;
}

const localYear = (date: Date, tz: string) => utcToZonedLocal(date, tz).slice(0, 4);

/** "Atelier 2025" → "Atelier 2026"; a text without the old year is kept as it is. */
function withYear(text: string, oldYear: string, newYear: string): string {
  return text.split(oldYear).join(newYear);
}

/**
 * The next edition of `source` as a new event's input: every date (the event's, its registration
 * window's, each session's) moved by the same amount on the event's wall clock, so 14:00 stays 14:00
 * across a daylight-saving change; programme, structure types, texts, reply address, series and
 * retention kept; a draft, with no registration, assignment or email (those are not in an input).
 */
export function editionInput(source: Event, choice: EditionChoice): EventInput {
  const tz = source.timezone;
  const move = (date: Date) => shiftOnWallClock(date, source.startsAt, choice.startsAt, tz);
  const moveOrNull = (date: Date | null | undefined) => (date ? move(date) : null);
  const [oldYear, newYear] = [localYear(source.startsAt, tz), localYear(choice.startsAt, tz)];
  return {
    title: choice.title?.trim() || withYear(source.title, oldYear, newYear),
    slug: choice.slug?.trim() || '',
    description: source.description,
    venue: source.venue,
    address: source.address,
    timezone: tz,
    startsAt: choice.startsAt,
    endsAt: move(source.endsAt),
    capacity: source.capacity,
    status: 'draft',
    registrationOpensAt: moveOrNull(source.registrationOpensAt),
    registrationClosesAt: moveOrNull(source.registrationClosesAt),
    registrationMode: source.registrationMode,
    structureTypes: source.structureTypes.map((type) => ({ ...type })),
    sides: source.sides ? source.sides.map((side) => ({ ...side })) : undefined,
    series: source.series,
    organiserName: source.organiserName,
    replyTo: source.replyTo,
    retentionMonths: source.retentionMonths,
    reminderDaysBefore: source.reminderDaysBefore ?? null,
    thankYouText: source.thankYouText ?? '',
    sessions: source.sessions.getItems().map((session) => ({
      kind: session.kind,
      title: session.title,
      topic: session.topic,
      facilitator: session.facilitator,
      room: session.room,
      startsAt: move(session.startsAt),
      endsAt: move(session.endsAt),
      capacity: session.capacity,
    })),
  };
}

/** The duplicate form's first guess: a year later at the same time, the title with the year after. */
export function nextYearValues(source: Event): { startsAt: string; title: string } {
  const local = utcToZonedLocal(source.startsAt, source.timezone);
  const [oldYear, newYear] = [local.slice(0, 4), String(Number(local.slice(0, 4)) + 1)];
  const startsAt = `${newYear}${local.slice(4).replace('-02-29', '-02-28')}`;
  return { startsAt, title: withYear(source.title, oldYear, newYear) };
}

/** A slug for the new edition that no event has: the old one with the new year, or with `-2`, `-3`… after it. */
async function freeSlug(em: EntityManager, source: Event, newYear: string): Promise<string> {
  const oldYear = localYear(source.startsAt, source.timezone);
  const withNewYear = source.slug.includes(oldYear) ? withYear(source.slug, oldYear, newYear) : '';
  const base = (withNewYear || `${source.slug}-${newYear}`).slice(0, 74);
  const taken = new Set(
    (await em.find(Event, { slug: { $like: `${base}%` } }, { fields: ['slug'] })).map((e) => e.slug),
  );
  if (!taken.has(base)) return base;
  let n = 2;
  while (taken.has(`${base}-${n}`)) n++;
  return `${base}-${n}`;
}

/**
 * Checks the chosen date and persists the next edition of `source` with its programme, without
 * flushing: the caller one floor up adds the team and the form and flushes all of it in one transaction.
 */
export async function persistEdition(em: EntityManager, source: Event, choice: EditionChoice): Promise<Event> {
  if (!(choice.startsAt instanceof Date) || Number.isNaN(choice.startsAt.getTime()))
    throw new ValidationError([{ field: 'startsAt', code: 'datetime' }]);
  const yearErrors = yearRangeErrors([['startsAt', choice.startsAt]]);
  if (yearErrors.length) throw new ValidationError(yearErrors);
  if (!source.sessions.isInitialized()) await source.sessions.init();
  const input = editionInput(source, choice);
  input.slug ||= await freeSlug(em, source, localYear(choice.startsAt, source.timezone));
  return persistNewEvent(em, input);
}
