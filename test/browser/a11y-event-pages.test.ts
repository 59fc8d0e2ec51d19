import t from 'tap';
import { checkPage, populatedEvent } from '../support/axe.js';
import { buildTestApp } from '../support/app.js';
import { launchChromium } from '../support/chromium.js';

// axe-core in real Chromium on the pages that set an event up (the rest: a11y-people-pages.test.ts).
const { app, orm } = await buildTestApp(t);
const address = await app.listen({ port: 0, host: '127.0.0.1' });
const browser = await launchChromium();
t.teardown(() => browser.close());
const { page, base, plenary } = await populatedEvent(orm, browser, address);

const pages = [
  '/admin',
  '/admin/events/new',
  '/admin/account',
  base,
  `${base}/edit`,
  `${base}/preview`,
  `${base}/sessions/new`,
  `${base}/sessions/${plenary.id}/edit`,
  `${base}/structure-types`,
  `${base}/form`,
  `${base}/form/preview`,
  `${base}/form/sections/new`,
  `${base}/form/fields/new`,
  `${base}/form/copy`,
  `${base}/team`,
  `${base}/share`,
  `${base}/share/flyer`,
  `${base}/partners`,
  `${base}/audit`,
];

t.test(
  'the pages that set an event up: no WCAG 2.1 AA violation at 1280 and 390 px, no sideways scrolling',
  async (t) => {
    for (const path of pages) await checkPage(t, page, address, path);
  },
);
