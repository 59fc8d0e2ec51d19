import t from 'tap';
import { checkPage } from '../support/axe.js';
import { buildTestApp } from '../support/app.js';
import { launchChromium } from '../support/chromium.js';
import { openEvent } from '../support/events.js';

// axe-core in real Chromium on the public pages, through a registration to the attendee's own page.
const { app, orm } = await buildTestApp(t);
const event = await openEvent(orm.em.fork(), { title: 'Atelier de la solidarité 2027' });
const address = await app.listen({ port: 0, host: '127.0.0.1' });
const browser = await launchChromium();
t.teardown(() => browser.close());

t.test('public pages: no WCAG 2.1 AA violation at 1280 and 390 px, no sideways scrolling', async (t) => {
  const context = await browser.newContext({ locale: 'fr-FR' });
  const page = await context.newPage();
  for (const path of ['/', `/e/${event.slug}`, `/e/${event.slug}/register`, '/privacy', '/setup', '/admin/login'])
    await checkPage(t, page, address, path);

  await page.goto(`${address}/e/${event.slug}/register`);
  await page.getByLabel('Prénom').fill('Camille');
  await page.getByLabel(/^Nom/).fill('Martin');
  await page.getByLabel('Adresse électronique').fill('camille.martin@ccas-exemple.fr');
  await page.getByLabel('Structure (organisme employeur)').fill("CCAS d'Angers");
  await page.getByRole('radio', { name: 'Travailleur social' }).check();
  await page.getByRole('checkbox', { name: /J'accepte/ }).check();
  await page.getByRole('button', { name: 'Valider mon inscription' }).click();
  await page.waitForURL(/\/r\/[A-Za-z0-9_-]{43}/);
  await checkPage(t, page, address, null);
  const token = page.url().replace(address, '');
  await checkPage(t, page, address, `${token}/edit`);
  await checkPage(t, page, address, `${token}/cancel`);
  await context.close();
});
