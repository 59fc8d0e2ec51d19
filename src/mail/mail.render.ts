import { Eta } from 'eta';
import type { Event, EventSession } from '../events/event.entity.js';
import { DEFAULT_LOCALE, type Locale, type Translate, isLocale, translator } from '../i18n/i18n.js';
import { formatDate, formatTime } from '../shared/time.js';
import { fromProjectRoot } from '../shared/paths.js';

/** What an email says, in one language; the same content gives the HTML part and the plain-text part. */
export interface MailContent {
  locale: Locale;
  subject: string;
  greeting: string;
  paragraphs: string[];
  /** Labelled values; one with a `url` is a link (the plain-text part shows the address). */
  details: { label: string; value: string; url?: string }[];
  /** The sessions the attendee's invite holds (or held), with their times and places. */
  programme: { title: string; when: string; where: string; facilitator: string }[];
  action: { label: string; url: string } | null;
  notes: string[];
  footer: string;
}

const viewsDir = fromProjectRoot('views', 'emails');
// HTML escapes every `<%= %>`; the plain-text part must not turn "&" into "&amp;".
const htmlViews = new Eta({ views: viewsDir, cache: true, autoEscape: true });
const textViews = new Eta({ views: viewsDir, cache: true, autoEscape: false, autoTrim: false });

export function mailLocale(locale: string | null | undefined): Locale {
  return isLocale(locale) ? locale : DEFAULT_LOCALE;
}

export function renderMail(content: MailContent): { html: string; text: string } {
  const html = htmlViews.render('message-html', content);
  const t = translator(content.locale);
  const pair = (label: string, value: string) => t('form.pair', { label, value });
  const text = `${textViews
    .render('message-text', { ...content, pair })
    .replace(/\n{3,}/g, '\n\n')
    .trim()}\n`;
  return { html, text };
}

/** Helpers to describe an event and its sessions in the attendee's language and the event's time zone. */
export function describer(event: Event, locale: Locale) {
  const t: Translate = translator(locale);
  const tz = event.timezone;
  const span = (start: Date, end: Date) => {
    const sameDay = formatDate(start, tz, locale) === formatDate(end, tz, locale);
    return sameDay
      ? t('mail.span', {
          date: formatDate(start, tz, locale),
          start: formatTime(start, tz, locale),
          end: formatTime(end, tz, locale),
        })
      : `${formatDate(start, tz, locale)} ${formatTime(start, tz, locale)} – ${formatDate(end, tz, locale)} ${formatTime(end, tz, locale)}`;
  };
  const place = [event.venue, event.address].filter(Boolean).join(', ');
  return {
    t,
    when: span(event.startsAt, event.endsAt),
    place,
    /** Date and place of the event as a list of labelled values. */
    details(): MailContent['details'] {
      const details = [{ label: t('mail.when'), value: span(event.startsAt, event.endsAt) }];
      if (place) details.push({ label: t('mail.where'), value: place });
      return details;
    },
    programme(entries: (EventSession | null)[]): MailContent['programme'] {
      return entries
        .filter((s): s is EventSession => s !== null)
        .map((s) => ({
          title: s.kind === 'breakout' ? t('mail.groupSession', { title: s.title }) : s.title,
          when: span(s.startsAt, s.endsAt),
          where: s.room,
          facilitator: s.facilitator ? t('mail.facilitator', { name: s.facilitator }) : '',
        }));
    },
  };
}
