import type { EntityManager } from '@mikro-orm/core';
import { formatDateTime } from '../shared/time.js';
import { Event } from './event.entity.js';
import { plenaries } from './event-rules.js';

/** Published events not yet over, soonest first, optionally of one series. */
export async function upcomingEvents(
  em: EntityManager,
  filter: { series?: string; limit?: number } = {},
  now = new Date(),
): Promise<Event[]> {
  const where: Record<string, unknown> = { status: 'published', endsAt: { $gt: now } };
  if (filter.series) where.series = filter.series;
  return em.find(Event, where, {
    orderBy: { startsAt: 'asc', id: 'asc' },
    populate: ['sessions'],
    limit: filter.limit,
  });
}

export const seatsLeft = (event: Event): number | null =>
  event.capacity == null ? null : Math.max(0, event.capacity - event.confirmedCount);

/** What anyone may read of an event: nothing about its team, settings or registrations beyond the seats left. */
export function publicEventJson(event: Event, publicUrl: string) {
  return {
    slug: event.slug,
    title: event.title,
    description: event.description,
    venue: event.venue,
    address: event.address,
    timezone: event.timezone,
    startsAt: event.startsAt.toISOString(),
    endsAt: event.endsAt.toISOString(),
    series: event.series,
    organiserName: event.organiserName,
    seatsLeft: seatsLeft(event),
    url: `${publicUrl}/e/${event.slug}`,
    programme: plenaries(event).map((s) => ({
      title: s.title,
      topic: s.topic,
      facilitator: s.facilitator,
      room: s.room,
      startsAt: s.startsAt.toISOString(),
      endsAt: s.endsAt.toISOString(),
    })),
  };
}

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
// Characters XML 1.0 forbids even escaped (control characters other than tab and line breaks).
const XML_FORBIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;
export const xmlText = (text: string) => text.replace(XML_FORBIDDEN, '').replace(/[&<>"']/g, (c) => XML_ESCAPES[c]);

/** An Atom 1.0 feed (RFC 4287) of the events, each linking to its public page. */
export function agendaAtom(events: Event[], publicUrl: string, title: string, locale: string): string {
  const updated = events.reduce((latest, e) => Math.max(latest, e.updatedAt.getTime()), 0);
  const entries = events.map((event) => {
    const url = `${publicUrl}/e/${event.slug}`;
    const summary = [formatDateTime(event.startsAt, event.timezone, locale), event.venue, event.address]
      .filter(Boolean)
      .join(' · ');
    return [
      '<entry>',
      `<id>${xmlText(url)}</id>`,
      `<title>${xmlText(event.title)}</title>`,
      `<updated>${event.updatedAt.toISOString()}</updated>`,
      `<link rel="alternate" type="text/html" href="${xmlText(url)}"/>`,
      `<summary>${xmlText(summary)}</summary>`,
      event.description ? `<content type="text">${xmlText(event.description)}</content>` : '',
      '</entry>',
    ].join('');
  });
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    `<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${xmlText(locale)}">`,
    `<id>${xmlText(`${publicUrl}/agenda.atom`)}</id>`,
    `<title>${xmlText(title)}</title>`,
    `<updated>${new Date(updated || 0).toISOString()}</updated>`,
    `<author><name>Atelier</name></author>`,
    `<link rel="self" type="application/atom+xml" href="${xmlText(`${publicUrl}/agenda.atom`)}"/>`,
    `<link rel="alternate" type="text/html" href="${xmlText(`${publicUrl}/`)}"/>`,
    ...entries,
    '</feed>',
    '',
  ].join('\n');
}
