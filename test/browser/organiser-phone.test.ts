import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { loadDemo } from '../../src/demo.js';
import { Event } from '../../src/events/event.entity.js';
import { loadDefinition } from '../../src/forms/form.service.js';
import { OutboxMessage } from '../../src/mail/outbox.entity.js';
import { Registration } from '../../src/registrations/registration.entity.js';
import { Browser as InjectBrowser, ORGANISER, buildTestApp, signedInOrganiser } from '../support/app.js';
import { launchChromium } from '../support/chromium.js';

// Every organiser page of a populated event, opened in Chromium at 390 px (a phone): no page may
// scroll sideways. With SCREENSHOTS=1 each page is also photographed, whole, into a temporary folder
// (named in the output) for a person to look at: a third of this file's time, so not by default.
const { app, orm } = await buildTestApp(t);
const em = () => orm.em.fork();
const demo = await loadDemo(em());
const organiser = await signedInOrganiser(app);
const event = `/admin/events/${demo.id}`;
const groups = demo.sessions.getItems().filter((s) => s.kind === 'breakout');
const types = ['travailleur-social', 'association', 'bailleur-social', 'collectivite', 'fournisseur-energie'];
for (let n = 1; n <= 12; n++) {
  const page = `/e/${demo.slug}/register`;
  const response = await new InjectBrowser(app).submit(page, page, {
    firstName: n % 3 ? `Prénom${n}` : 'Marie-Bernadette',
    lastName: n % 4 ? `Nom${n}` : 'de La Tour-Montgommery',
    email: `personne.avec.une.adresse.longue${n}@centre-communal-action-sociale-angers.fr`,
    organisation: n % 2 ? `Centre communal d'action sociale ${n}` : 'Association départementale pour le logement',
    structureType: types[n % types.length],
    consent: 'yes',
    dejeuner: n % 2 ? 'yes' : 'no',
    regime: n % 2 ? 'Végétarien, sans gluten' : '',
    accessibilite: n === 3 ? 'Fauteuil roulant : une place près de la porte, merci.' : '',
    'groupes.1': String(groups[n % groups.length].id),
    'groupes.2': String(groups[(n + 1) % groups.length].id),
  });
  if (response.statusCode !== 303) throw new Error(`registration ${n}: ${response.statusCode} ${response.body}`);
}
await organiser.submit(`${event}/groups`, `${event}/groups/auto`, { mode: 'all' });
const registrations = await em().find(Registration, { event: demo.id }, { orderBy: { id: 'asc' } });
await organiser.submit(`${event}/check-in`, `${event}/check-in/${registrations[0].id}`, { present: '1' });
const [message] = await em().find(OutboxMessage, { event: demo.id }, { limit: 1 });
await em().nativeUpdate(Event, demo.id, { series: 'atelier-solidarite' });
const definition = await loadDefinition(em(), demo);
const section = definition.sections[0];

const params: Record<string, string | number> = {
  id: demo.id,
  registrationId: registrations[1].id,
  sessionId: groups[0].id,
  groupId: groups[0].id,
  key: section.fields[0].key,
  sectionId: section.id,
  messageId: message.id,
  series: 'atelier-solidarite',
};
// Files, sign-in pages, pages that need a selection (added below with one), and the survey builder's
// question pages (this event's survey has no questions; test/browser/a11y-survey.test.ts shows them).
const NOT_PAGES =
  /\.(csv|xlsx|eml|json|svg|png)$|personal-data$|^\/admin\/(login|password-reset)|\/builtins\/:key$|\/registrations\/cancel$|\/survey\/form\/(sections|fields)\//;
const pages = app.routeTable
  .filter((route) => route.method === 'GET' && route.url.startsWith('/admin') && !NOT_PAGES.test(route.url))
  .map((route) => route.url.replace(/:(\w+)/g, (_m, name: string) => String(params[name])))
  .filter((url) => !url.includes('undefined'));
const ticked = `ids=${registrations[2].id}&ids=${registrations[3].id}`;
pages.push(
  `${event}/form/builtins/firstName`,
  `${event}/registrations?q=nom&sort=organisation`,
  `${event}/registrations/cancel?${ticked}`,
  `${event}/messages/new?${ticked}`,
);

const address = await app.listen({ port: 0, host: '127.0.0.1' });
const browser = await launchChromium();
t.teardown(() => browser.close());
const shots = process.env.SCREENSHOTS ? mkdtempSync(join(tmpdir(), 'atelier-phone-')) : null;
if (shots) t.comment(`screenshots in ${shots}`);

t.test('every organiser page fits a 390 px screen', async (t) => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'fr-FR' });
  const page = await context.newPage();
  await page.goto(`${address}/admin/login`);
  await page.getByLabel('Adresse électronique').fill(ORGANISER.email);
  await page.getByLabel('Mot de passe').fill(ORGANISER.password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.waitForURL(/\/admin$/);
  t.ok(pages.length >= 30, `${pages.length} pages`);
  for (const [n, url] of pages.entries()) {
    const response = await page.goto(`${address}${url}`);
    t.ok(response && response.status() < 400, `${url} answers (${response?.status()})`);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    t.ok(width <= 390, `${url}: no horizontal scrolling (page is ${width} px wide)`);
    const name = url.replace(/[^a-z0-9]+/gi, '-').slice(1, 100);
    if (shots)
      await page.screenshot({ path: join(shots, `${String(n).padStart(2, '0')}-${name}.png`), fullPage: true });
  }
  await context.close();
});

t.test('on a phone the registrations list is cards, with each value named', async (t) => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'fr-FR' });
  const page = await context.newPage();
  await page.goto(`${address}/admin/login`);
  await page.getByLabel('Adresse électronique').fill(ORGANISER.email);
  await page.getByLabel('Mot de passe').fill(ORGANISER.password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.waitForURL(/\/admin$/);
  await page.goto(`${address}${event}/registrations`);
  const row = page.locator('table.table-cards tbody tr').first();
  t.equal(await row.evaluate((el) => getComputedStyle(el).display), 'block', 'a row is a card');
  const label = await page
    .locator('table.table-cards td[data-label]')
    .first()
    .evaluate((el) => getComputedStyle(el, '::before').content);
  t.equal(label, '"Structure (organisme employeur)"', 'the value says what it is');
  await page.setViewportSize({ width: 1280, height: 800 });
  t.equal(await row.evaluate((el) => getComputedStyle(el).display), 'table-row', 'a table again on a wide screen');
  await context.close();
});
