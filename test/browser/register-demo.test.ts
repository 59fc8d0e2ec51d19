import { readFileSync } from 'node:fs';
import t from 'tap';
import { loadDemo } from '../../src/demo.js';
import { buildTestApp } from '../support/app.js';
import { launchChromium } from '../support/chromium.js';
import { parseCalendar } from '../support/ical.js';

const { app, orm } = await buildTestApp(t);
const demo = await loadDemo(orm.em.fork());
const address = await app.listen({ port: 0, host: '127.0.0.1' });
const browser = await launchChromium();
t.teardown(() => browser.close());

t.test('a person registers for the demo event on a phone-sized screen and downloads the invite', async (t) => {
  const context = await browser.newContext({
    viewport: { width: 375, height: 740 },
    locale: 'fr-FR',
    acceptDownloads: true,
  });
  const page = await context.newPage();
  await page.goto(`${address}/e/${demo.slug}`);
  t.match(await page.title(), 'Atelier de la solidarité');
  await page.getByRole('link', { name: "S'inscrire" }).click();
  t.match(page.url(), `/e/${demo.slug}/register`);

  // First an incomplete form: the errors are announced and the values kept.
  await page.getByLabel('Prénom').fill('Camille');
  await page.getByRole('button', { name: 'Valider mon inscription' }).click();
  t.equal(await page.getByRole('alert').count(), 1, 'an error summary');
  t.equal(await page.getByLabel('Prénom').inputValue(), 'Camille');

  await page.getByLabel(/^Nom/).fill('Martin');
  await page.getByLabel('Adresse électronique').fill('camille.martin@ccas-exemple.fr');
  await page.getByLabel('Structure (organisme employeur)').fill("CCAS d'Angers");
  await page.getByRole('radio', { name: 'Travailleur social' }).check();
  await page.getByRole('checkbox', { name: /J'accepte/ }).check();
  await page.getByRole('button', { name: 'Valider mon inscription' }).click();

  await page.waitForURL(/\/r\/[A-Za-z0-9_-]{43}/);
  t.match(await page.getByRole('status').first().innerText(), 'Inscription confirmée');
  t.match(await page.locator('main').innerText(), 'camille.martin@ccas-exemple.fr');

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: /Télécharger l'invitation/ }).click(),
  ]);
  t.match(download.suggestedFilename(), /\.ics$/);
  const calendar = parseCalendar(readFileSync((await download.path())!, 'utf8'));
  t.equal(calendar.events.length, 1);
  t.same(calendar.events[0].attendees, ['mailto:camille.martin@ccas-exemple.fr']);
  t.match(calendar.events[0].summary, 'Comment identifier les ménages');
  t.equal(calendar.events[0].tzid, 'Europe/Paris');

  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  t.ok(width <= 375, `no horizontal scrolling on a phone (page is ${width}px wide)`);
  await context.close();
});
