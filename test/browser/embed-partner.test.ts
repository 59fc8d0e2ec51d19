import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium } from 'playwright-core';
import t from 'tap';
import { buildApp } from '../../src/app.js';
import { openDatabase } from '../../src/db/orm.js';
import { Event } from '../../src/events/event.entity.js';
import { embedSnippets } from '../../src/events/share.admin.routes.js';
import { Registration } from '../../src/registrations/registration.entity.js';
import { WIDTHS, checkPage, violations } from '../support/axe.js';
import { testConfig } from '../support/app.js';
import { CHROMIUM_PATH } from '../support/chromium.js';
import { openEvent } from '../support/events.js';

// A partner's page on another site (http://localhost:P2) embeds Atelier (http://127.0.0.1:P1) with
// the one-line snippet, in a browser that blocks third-party cookies: the frame resizes to its
// content and a person registers inside it. A site that is not a partner cannot frame it. The
// agenda snippet does the same, and axe-core finds no violation in the embedded pages.

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** A partner's site: the snippet, under the strictest CSP the README asks partners to allow. */
async function partnerSite(atelier: string, slug: string): Promise<string> {
  return hostSite(
    atelier,
    `<div data-atelier-event="${slug}" data-accent="#005a9c"><a href="${atelier}/e/${slug}">S'inscrire à l'atelier</a></div>
<script src="${atelier}/embed.js" async></script>`,
  );
}

/** A tiny site on its own port: a heading, then `snippet` pasted as it is, under that CSP. */
async function hostSite(atelier: string, snippet: string): Promise<string> {
  const server = createServer((_request, response) => {
    response.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': `default-src 'self'; script-src 'self' ${atelier}; frame-src ${atelier}`,
    });
    response.end(`<!doctype html><html lang="fr"><head><title>CCAS partenaire</title></head><body>
<h1>Nos ateliers</h1>
${snippet}
</body></html>`);
  });
  await new Promise<void>((resolve) => server.listen(0, 'localhost', resolve));
  t.teardown(() => new Promise((resolve) => server.close(resolve)));
  return `http://localhost:${(server.address() as AddressInfo).port}`;
}

const port = await freePort();
const atelier = `http://127.0.0.1:${port}`;
const config = await testConfig(t, { PUBLIC_URL: atelier });
const orm = await openDatabase(config.database);
const app = await buildApp({ config, orm, logger: false });
t.teardown(() => app.close());
await app.listen({ port, host: '127.0.0.1' });

const event = await openEvent(orm.em.fork());
const partner = await partnerSite(atelier, event.slug);
const stranger = await partnerSite(atelier, event.slug);
// Another partner pastes the agenda snippet the share page gives for a series of one event.
const meeting = await openEvent(orm.em.fork(), { title: 'Rencontre du réseau', series: 'rencontres' });
const agendaHost = await hostSite(atelier, embedSnippets(atelier, meeting.slug, 'rencontres').agenda);
{
  const em = orm.em.fork();
  const stored = await em.findOneOrFail(Event, { id: event.id });
  stored.partnerOrigins = [partner];
  (await em.findOneOrFail(Event, { id: meeting.id })).partnerOrigins = [agendaHost];
  await em.flush();
}

const browser = await chromium.launch({
  executablePath: CHROMIUM_PATH,
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--test-third-party-cookie-phaseout',
  ],
});
t.teardown(() => browser.close());

t.test('on a partner site the frame fits its content and a person registers in it', async (t) => {
  const context = await browser.newContext({ locale: 'fr-FR', viewport: { width: 390, height: 800 } });
  const page = await context.newPage();
  await page.goto(partner);
  const iframe = page.locator('iframe');
  t.match(await iframe.getAttribute('title'), 'Inscription', 'a title for screen readers');
  const frame = page.frameLocator('iframe');
  await frame.getByLabel('Prénom').waitFor();

  // The height the frame reports becomes the iframe's: no inner scrollbar.
  await page.waitForFunction(() => document.querySelector('iframe')?.getAttribute('height') !== '600');
  const inner = await (await iframe.elementHandle())!.contentFrame();
  const contentHeight = await inner!.evaluate(() => document.documentElement.scrollHeight);
  t.equal(Number(await iframe.getAttribute('height')), contentHeight, 'resized to its content');

  await frame.getByLabel('Prénom').fill('Inès');
  await frame.getByLabel(/^Nom/).fill('Bernard');
  await frame.getByLabel('Adresse électronique').fill('ines.bernard@ccas-exemple.fr');
  await frame.getByLabel('Structure (organisme employeur)').fill('CCAS de Cholet');
  await frame.getByRole('radio', { name: 'Travailleur social' }).check();
  await frame.getByRole('checkbox', { name: /J'accepte/ }).check();
  await frame.getByRole('button', { name: 'Valider mon inscription' }).click();

  await frame.getByRole('status').waitFor();
  t.match(await frame.getByRole('status').innerText(), 'Inscription confirmée');
  t.same(await violations(inner!), [], 'the confirmation in the frame: no WCAG 2.1 AA violation');
  const link = frame.getByRole('link', { name: /Voir mon inscription/ });
  t.equal(await link.getAttribute('target'), '_blank');
  t.equal(await link.getAttribute('rel'), 'noopener');
  const stored = await orm.em.fork().findOne(Registration, { email: 'ines.bernard@ccas-exemple.fr' });
  t.ok(stored, 'the registration is stored');
  t.equal(stored?.event.id, event.id);
  t.same(await context.cookies(atelier), [], 'no cookie of Atelier was set or needed');
  await context.close();
});

t.test('a site that is not a partner cannot frame the page', async (t) => {
  const context = await browser.newContext({ locale: 'fr-FR' });
  const page = await context.newPage();
  const refused = page.waitForEvent('console', (message) => message.text().includes('frame-ancestors'));
  await page.goto(stranger);
  t.match((await refused).text(), 'frame-ancestors', 'the browser refuses the frame');
  const inner = await (await page.locator('iframe').elementHandle())!.contentFrame();
  t.equal(await inner!.locator('form').count(), 0, 'no form in the frame');
  await context.close();
});

t.test('the agenda snippet: an iframe listing the series, resized to its content', async (t) => {
  const context = await browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(agendaHost);
  const iframe = page.locator('iframe');
  t.equal(await iframe.getAttribute('title'), 'Prochains événements (Atelier)', 'a title for screen readers');
  t.match(await iframe.getAttribute('src'), `${atelier}/embed/agenda?series=rencontres&limit=5&parent=`);
  const frame = page.frameLocator('iframe');
  await frame.getByRole('link', { name: /Rencontre du réseau/ }).waitFor();
  t.equal(await frame.getByRole('listitem').count(), 1, 'the series only');

  // One short card: the frame shrinks from its first 600 px to the height of what it shows.
  await page.waitForFunction(() => document.querySelector('iframe')?.getAttribute('height') !== '600');
  const inner = await (await iframe.elementHandle())!.contentFrame();
  const content = await inner!.evaluate(() => Math.ceil(document.body.getBoundingClientRect().bottom));
  const height = Number(await iframe.getAttribute('height'));
  t.ok(height < 600, `smaller than at first (${height} px)`);
  t.ok(Math.abs(height - content) <= 2, `fits its content (${height} px for ${content} px)`);
  const box = await iframe.boundingBox();
  t.equal(Math.round(box!.height), height, 'the page lays it out at that height');
  t.same(await violations(inner!), [], 'the framed agenda: no WCAG 2.1 AA violation');
  await context.close();
});

t.test('the embed pages: no WCAG 2.1 AA violation at 1280 and 390 px, no sideways scrolling', async (t) => {
  const context = await browser.newContext({ locale: 'fr-FR', viewport: { width: WIDTHS[0], height: 900 } });
  const page = await context.newPage();
  for (const path of [
    `/embed/e/${event.slug}`,
    `/embed/e/${event.slug}?show=programme&lang=en`,
    `/embed/e/${event.slug}?show=both&accent=005a9c`,
    '/embed/agenda',
    '/embed/agenda?series=rencontres&limit=5',
  ])
    await checkPage(t, page, atelier, path);
  // A refused submission: the error summary and the fields marked, in the frame's page.
  await page.goto(`${atelier}/embed/e/${event.slug}?lang=fr`);
  await page.evaluate(() => document.querySelector('form')?.setAttribute('novalidate', ''));
  await page.getByRole('button', { name: 'Valider mon inscription' }).click();
  await page.getByRole('alert').first().waitFor();
  await checkPage(t, page, atelier, null);
  await context.close();
});
