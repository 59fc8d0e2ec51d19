import t from 'tap';
import { autoAssign } from '../../src/groups/groups.service.js';
import { register } from '../../src/registrations/registration.service.js';
import { populatedEvent } from '../support/axe.js';
import { buildTestApp } from '../support/app.js';
import { launchChromium } from '../support/chromium.js';
import { attendee, openEvent } from '../support/events.js';
import { pdfPages } from '../support/pdf-text.js';

// The groups' lists as Chromium prints them (page.pdf(), the print style sheet): A4, each group on
// its own pages, and on every page the event, the date, the group and the page number "n / total"
// (issue 16, Printing). The PDF's text is read back (test/support/pdf-text.ts), not its layout guessed.
const { app, orm } = await buildTestApp(t);
const address = await app.listen({ port: 0, host: '127.0.0.1' });
const browser = await launchChromium();
t.teardown(() => browser.close());
const { page } = await populatedEvent(orm, browser, address);

const HOUR = 3600_000;
const start = new Date(Date.now() + 40 * 24 * HOUR);
start.setUTCHours(8, 0, 0, 0);
const at = (hours: number) => new Date(start.getTime() + hours * HOUR);
const group = (n: number) => ({
  kind: 'breakout' as const,
  title: `Groupe ${n}`,
  room: `Salle ${n}`,
  facilitator: `Animatrice ${n}`,
  startsAt: at(2),
  endsAt: at(4),
  capacity: 60,
});
const PEOPLE = 150;
const event = await openEvent(orm.em.fork(), {
  title: 'Atelier de la solidarité 2027',
  capacity: 200,
  startsAt: at(0),
  endsAt: at(4),
  sessions: [
    { kind: 'plenary', title: 'Plénière', room: 'Grande salle', startsAt: at(0), endsAt: at(1.5) },
    group(1),
    group(2),
    group(3),
  ],
});
for (let n = 1; n <= PEOPLE; n++) await register(orm.em.fork(), event, attendee(n));
await autoAssign(orm.em.fork(), event, 'all');

const squeeze = (s: string) => s.replace(/\s+/g, '');

t.test("the groups' lists print on A4 with the event, date, group and page numbers on every page", async (t) => {
  await page.goto(`${address}/admin/events/${event.id}/groups/print`);
  // What each group's repeated header says on screen: the event, the date and times, the group, room, facilitator.
  const heads = await page.locator('.sheet-head td').allInnerTexts();
  t.equal(heads.length, 3, 'one list per group');
  t.match(heads[0], 'Atelier de la solidarité 2027');
  t.match(heads[0], String(start.getUTCFullYear()), 'with the date');

  const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
  const pages = pdfPages(pdf);
  // 50 people a group, about 40 rows fit an A4 page: each group takes two pages.
  t.equal(pages.length, 6, 'six pages: two for each group');
  for (const [i, p] of pages.entries()) {
    const text = squeeze(p.text);
    t.same(
      p.mediaBox.map((v) => Math.round(v)),
      [0, 0, 595, 842],
      `page ${i + 1} is A4 (in points)`,
    );
    t.match(text, `${i + 1}/${pages.length}`, `page ${i + 1} numbered "${i + 1} / ${pages.length}"`);
    const head = heads.find((h) => text.includes(squeeze(h)));
    t.ok(head, `page ${i + 1} opens with its group's header: the event, the date, the group`);
    t.equal(head, heads[Math.floor(i / 2)], `page ${i + 1} belongs to Groupe ${Math.floor(i / 2) + 1}`);
  }
  const all = squeeze(pages.map((p) => p.text).join('\n'));
  const missing = Array.from({ length: PEOPLE }, (_, i) => i + 1).filter(
    (n) => !all.includes(squeeze(`Nom${n} Prénom${n}Structure`)),
  );
  t.same(missing, [], 'every person is on the printed lists');
});
