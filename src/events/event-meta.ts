import { DateTime } from 'luxon';
import type { Event } from './event.entity.js';
import { seatsLeft } from './feeds.js';

const withOffset = (date: Date, tz: string) =>
  DateTime.fromJSDate(date, { zone: tz }).toISO({ suppressMilliseconds: true }) ?? date.toISOString();

/** schema.org `Event` of a public event page, so search engines and link previews read it. */
export function eventJsonLd(event: Event, publicUrl: string): Record<string, unknown> {
  const url = `${publicUrl}/e/${event.slug}`;
  const left = seatsLeft(event);
  return {
    '@context': 'https://schema.org',
    '@type': 'Event',
    name: event.title,
    description: event.description || undefined,
    startDate: withOffset(event.startsAt, event.timezone),
    endDate: withOffset(event.endsAt, event.timezone),
    eventStatus: 'https://schema.org/EventScheduled',
    eventAttendanceMode: 'https://schema.org/OfflineEventAttendanceMode',
    location: {
      '@type': 'Place',
      name: event.venue || event.address,
      address: { '@type': 'PostalAddress', streetAddress: event.address || event.venue },
    },
    organizer: { '@type': 'Organization', name: event.organiserName || 'Atelier', url: publicUrl },
    offers: {
      '@type': 'Offer',
      url: `${url}/register`,
      price: 0,
      priceCurrency: 'EUR',
      availability: left === 0 ? 'https://schema.org/SoldOut' : 'https://schema.org/InStock',
    },
    url,
  };
}

/** JSON inside a <script> element: `<` written as \u003c so no text (e.g. `</script>`) can end the element. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The <head> additions of a public event page: Open Graph and Twitter card tags, and the JSON-LD. */
export function eventHead(event: Event, publicUrl: string, locale: string): string {
  const description = event.description.replace(/\s+/g, ' ').trim().slice(0, 200);
  const meta = (attr: 'property' | 'name', key: string, value: string) =>
    `<meta ${attr}="${key}" content="${escapeHtml(value)}">`;
  return [
    meta('property', 'og:type', 'website'),
    meta('property', 'og:site_name', 'Atelier'),
    meta('property', 'og:locale', locale === 'fr' ? 'fr_FR' : 'en_GB'),
    meta('property', 'og:title', event.title),
    meta('property', 'og:url', `${publicUrl}/e/${event.slug}`),
    description ? meta('property', 'og:description', description) : '',
    meta('name', 'twitter:card', 'summary'),
    meta('name', 'twitter:title', event.title),
    description ? meta('name', 'twitter:description', description) : '',
    `<script type="application/ld+json">${scriptJson(eventJsonLd(event, publicUrl))}</script>`,
  ]
    .filter(Boolean)
    .join('\n');
}
