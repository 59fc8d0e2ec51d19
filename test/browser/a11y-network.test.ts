import t from 'tap';
import { adoptOwnerlessEvents } from '../../src/access/access.service.js';
import { loadDemo } from '../../src/demo.js';
import { loadNetworkDemo } from '../../src/demo-network.js';
import { Organiser } from '../../src/organisers/organiser.entity.js';
import { buildTestApp } from '../support/app.js';
import { WIDTHS, checkPage } from '../support/axe.js';
import { launchChromium } from '../support/chromium.js';

// axe-core in real Chromium on the network's pages, over the demo's two editions and directory cards.
const { app, orm } = await buildTestApp(t);
const address = await app.listen({ port: 0, host: '127.0.0.1' });
const browser = await launchChromium();
t.teardown(() => browser.close());

const context = await browser.newContext({ locale: 'fr-FR', viewport: { width: WIDTHS[0], height: 900 } });
const page = await context.newPage();
await page.goto(`${address}/setup`);
await page.getByLabel('Adresse électronique').fill('orga@ccas-angers.fr');
await page.getByLabel(/^Mot de passe/).fill('un-mot-de-passe-solide');
await page.getByLabel('Confirmation du mot de passe').fill('un-mot-de-passe-solide');
await page.getByRole('button', { name: 'Créer le compte' }).click();
await page.waitForURL(/\/admin$/);
await loadDemo(orm.em.fork());
const loaded = [await loadNetworkDemo(orm.em.fork()), await loadNetworkDemo(orm.em.fork())];
const organisers = await orm.em.fork().find(Organiser, {});
await adoptOwnerlessEvents(
  orm.em.fork(),
  organisers.map((o) => o.id),
);

t.test('the demo gives the network page last year and this year, new and returning structures', async (t) => {
  t.same(loaded, [true, false], 'the network demo loads, once');
  await page.goto(`${address}/admin/network`);
  const rows = await page.locator('#years-table tbody tr').count();
  t.equal(rows, 2, 'two years');
  t.match(await page.locator('main').innerText(), /fidèles/);
  t.equal(await page.locator('table[id^="meetings-"] tbody tr').count(), 1, "the working group's meeting, counted");
});

t.test('network and directory pages: no WCAG 2.1 AA violation at 1280 and 390 px', async (t) => {
  for (const path of ['/admin/network', '/admin/annuaire', '/annuaire', '/annuaire?epci=244900015'])
    await checkPage(t, page, address, path);
  await checkPage(t, page, address, '/embed/annuaire');
});
