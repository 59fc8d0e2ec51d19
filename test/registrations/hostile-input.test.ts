import { parse } from 'csv-parse/sync';
import t from 'tap';
import { Browser, buildTestApp, signedInOrganiser, textOf } from '../support/app.js';
import { attendee, openEvent } from '../support/events.js';
import { parseCalendar } from '../support/ical.js';

// What a hostile or careless attendee types comes back out as text everywhere, never as markup,
// formulas or broken iCalendar.
const { app, orm } = await buildTestApp(t);
const organiser = await signedInOrganiser(app);
const event = await openEvent(orm.em.fork());
const hostile = {
  ...attendee(1),
  firstName: 'Zoé <img src=x onerror=alert(1)>',
  lastName: 'O\'Brien "Bob"; Dupont, fils\\',
  organisation: '=HYPERLINK("http://exemple.invalid","cliquez")',
};

t.test(
  'HTML, quotes, separators and formulas in answers are stored as typed and escaped on every output',
  async (t) => {
    const browser = new Browser(app);
    const page = `/e/${event.slug}/register`;
    const registered = await browser.submit(page, page, hostile);
    t.equal(registered.statusCode, 303);
    const privatePage = await browser.get(registered.headers.location as string);
    t.notMatch(privatePage.body, '<img src=x', 'the attendee page escapes it');
    t.match(textOf(privatePage.body), 'Zoé <img src=x onerror=alert(1)>', 'and shows it as typed');

    const list = await organiser.get(`/admin/events/${event.id}/registrations`);
    t.notMatch(list.body, '<img src=x', 'the organiser list escapes it');
    const [row] = await orm.em
      .fork()
      .getConnection()
      .execute('select id, token from registration where event_id = ?', [event.id]);
    const detail = await organiser.get(`/admin/events/${event.id}/registrations/${row.id}`);
    t.notMatch(detail.body, '<img src=x', 'the detail page too');

    const csv = await organiser.get(`/admin/events/${event.id}/registrations.csv`);
    const records: string[][] = parse(csv.body, { bom: true, delimiter: ';' });
    const cells = records[1];
    t.ok(cells.includes('Zoé <img src=x onerror=alert(1)>'), 'the CSV keeps the text as typed');
    t.ok(cells.includes('O\'Brien "Bob"; Dupont, fils\\'), 'quotes and separators survive the round trip');
    t.ok(
      cells.some((c) => c.startsWith("'=HYPERLINK")),
      'the formula is neutralised',
    );
    t.notOk(
      cells.some((c) => c.startsWith('=')),
      'no cell starts a formula',
    );

    const ics = await browser.get(`/r/${row.token}/invite.ics`);
    const calendar = parseCalendar(ics.body);
    t.ok(calendar.events.length > 0, 'the invite parses as iCalendar');
    const attendeeLine = ics.body
      .replace(/\r\n /g, '')
      .split('\r\n')
      .find((line) => line.startsWith('ATTENDEE'))!;
    t.match(
      attendeeLine,
      "CN=\"Zoé <img src=x onerror=alert(1)> O'Brien 'Bob'; Dupont, fils/\":MAILTO:personne1@exemple.fr",
      'the name is one quoted parameter: no double quote or backslash inside, which RFC 5545 does not allow',
    );
    t.same(
      calendar.events[0].attendees,
      ['mailto:personne1@exemple.fr'],
      "and ical.js reads the attendee's address back",
    );
  },
);
