import t from 'tap';
import { checkPage, populatedEvent } from '../support/axe.js';
import { buildTestApp } from '../support/app.js';
import { launchChromium } from '../support/chromium.js';

// axe-core in real Chromium on the pages about the people of a populated event: lists, groups, printed
// sheets, emails, report, check-in (the set-up pages: a11y-event-pages.test.ts).
const { app, orm } = await buildTestApp(t);
const address = await app.listen({ port: 0, host: '127.0.0.1' });
const browser = await launchChromium();
t.teardown(() => browser.close());
const { page, base, first, group, email } = await populatedEvent(orm, browser, address);

const pages = [
  `${base}/registrations`,
  `${base}/registrations/${first.id}`,
  `${base}/registrations/new`,
  `${base}/registrations/${first.id}/edit`,
  `${base}/registrations/${first.id}/status`,
  `${base}/registrations/${first.id}/erase`,
  `${base}/groups`,
  `${base}/groups/print`,
  `${base}/groups/${group.id}/print`,
  `${base}/groups/${group.id}/sign-in`,
  `${base}/sign-in`,
  `${base}/emails`,
  ...(email ? [`/admin/emails/${email.id}`] : []),
  '/admin/emails',
  `${base}/messages/new`,
  `${base}/report`,
  `${base}/check-in`,
  '/admin/series/atelier',
];

t.test('pages about the people: no WCAG 2.1 AA violation at 1280 and 390 px, no sideways scrolling', async (t) => {
  for (const path of pages) await checkPage(t, page, address, path);
});

t.test('the confirmation step of a hand move: no violation, no sideways scrolling', async (t) => {
  await page.goto(`${address}${base}/groups`);
  const form = page.locator('form.group-move').first();
  const select = form.locator('select');
  const current = await select.inputValue();
  const values = await select.locator('option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
  await select.selectOption(values.find((v) => v !== current)!);
  await form.locator('button[type=submit]').click();
  await page.waitForLoadState();
  t.match(await page.title(), 'Confirmer le changement de groupe');
  await checkPage(t, page, address, null);
});
