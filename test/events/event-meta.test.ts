import t from 'tap';
import { Event } from '../../src/events/event.entity.js';
import { Browser, PUBLIC_URL, buildTestApp } from '../support/app.js';
import { openEvent } from '../support/events.js';

const { app, orm } = await buildTestApp(t);
const em = () => orm.em.fork();

type LdEvent = { startDate: string; endDate: string; offers: { availability: string } };

/** The page's JSON-LD blocks, as a search engine reads them (the script element's text, then JSON). */
function jsonLd(html: string): LdEvent[] {
  const blocks: LdEvent[] = [];
  let at = html.indexOf('<script type="application/ld+json">');
  while (at >= 0) {
    const start = at + '<script type="application/ld+json">'.length;
    const end = html.indexOf('</script>', start);
    blocks.push(JSON.parse(html.slice(start, end)));
    at = html.indexOf('<script type="application/ld+json">', end);
  }
  return blocks;
}

const title = 'Atelier </script><script>alert(1)</script> & "cie"';

t.test('the public event page carries a schema.org Event, safely embedded', async (t) => {
  const event = await openEvent(em(), {
    title,
    capacity: 2,
    organiserName: 'CCAS d’Angers',
    description: 'Un atelier.',
  });
  const res = await new Browser(app).get(`/e/${event.slug}`);
  t.equal(res.statusCode, 200);
  t.notMatch(res.body, '<script>alert(1)', 'the title cannot close the script element');
  const [ld] = jsonLd(res.body);
  t.match(ld, {
    '@context': 'https://schema.org',
    '@type': 'Event',
    name: title,
    eventStatus: 'https://schema.org/EventScheduled',
    eventAttendanceMode: 'https://schema.org/OfflineEventAttendanceMode',
    location: {
      '@type': 'Place',
      name: 'Maison Pour Tous',
      address: { '@type': 'PostalAddress', streetAddress: '1 rue Exemple, Angers' },
    },
    organizer: { name: 'CCAS d’Angers' },
    offers: { '@type': 'Offer', availability: 'https://schema.org/InStock' },
    url: `${PUBLIC_URL}/e/${event.slug}`,
  });
  t.match(ld.startDate, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/, 'a date with its offset');
  t.equal(new Date(ld.startDate).getTime(), event.startsAt.getTime());
  t.equal(new Date(ld.endDate).getTime(), event.endsAt.getTime());

  t.match(res.body, '<meta property="og:title" content="Atelier &#60;/script&#62;');
  t.match(res.body, `<meta property="og:url" content="${PUBLIC_URL}/e/${event.slug}">`);
  t.match(res.body, '<meta name="twitter:card" content="summary">');
  t.match(res.body, '<meta property="og:description" content="Un atelier.">');

  // Every seat taken: the offer says so on the next page.
  await em().nativeUpdate(Event, { id: event.id }, { confirmedCount: 2 });
  const full = await new Browser(app).get(`/e/${event.slug}`);
  t.equal(jsonLd(full.body)[0].offers.availability, 'https://schema.org/SoldOut');
});

t.test('other pages carry no event metadata', async (t) => {
  const res = await new Browser(app).get('/');
  t.same(jsonLd(res.body), []);
  t.notMatch(res.body, 'og:title');
});
