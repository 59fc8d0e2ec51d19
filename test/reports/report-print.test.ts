import t from 'tap';
import { EventSession } from '../../src/events/event.entity.js';
import { Registration } from '../../src/registrations/registration.entity.js';
import { register } from '../../src/registrations/registration.service.js';
import { ORGANISER, buildTestApp, signedInOrganiser } from '../support/app.js';
import { launchChromium } from '../support/chromium.js';
import { attendee, openEvent } from '../support/events.js';

const { app, orm } = await buildTestApp(t);
await signedInOrganiser(app);
const em = orm.em.fork();
const event = await openEvent(em, { title: 'Atelier de la solidarité — rapport imprimé', capacity: 80 });
const groups = event.sessions.getItems().filter((s) => s.kind === 'breakout');
const types = event.structureTypes.map((type) => type.key);
for (let n = 0; n < 70; n++) await register(em, event, attendee(n, types[n % types.length]));
const registrations = await em.find(Registration, { event: event.id });
registrations.forEach((r, i) => {
  r.group = em.getReference(EventSession, groups[i % groups.length].id);
});
await em.flush();

const address = await app.listen({ port: 0, host: '127.0.0.1' });
const browser = await launchChromium();
t.teardown(() => browser.close());

t.test('the report prints on A4: no navigation or filters, nothing wider than the page', async (t) => {
  const context = await browser.newContext({ locale: 'fr-FR' });
  const page = await context.newPage();
  await page.goto(`${address}/admin/login`);
  await page.getByLabel('Adresse électronique').fill(ORGANISER.email);
  await page.getByLabel('Mot de passe').fill(ORGANISER.password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.waitForURL(/\/admin$/);

  await page.goto(`${address}/admin/events/${event.id}/report`);
  t.equal(await page.locator('svg[role="img"]').count(), 1, 'the chart is in the page');
  // An A4 page with 15 mm margins leaves 180 mm, about 680 CSS pixels.
  await page.setViewportSize({ width: 680, height: 960 });
  await page.emulateMedia({ media: 'print' });
  for (const selector of ['.site-header', 'form.filters', '.actions-row']) {
    t.equal(
      await page
        .locator(selector)
        .first()
        .evaluate((el) => getComputedStyle(el).display),
      'none',
      `${selector} is not printed`,
    );
  }
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  const wide = await page.evaluate(() =>
    [...document.querySelectorAll('main *')]
      .filter((el) => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
      .slice(0, 5)
      .map((el) => `${el.tagName}.${el.className}#${el.id} ${Math.round(el.getBoundingClientRect().right)}`),
  );
  t.equal(overflow, 0, 'nothing wider than the printable width', { wide });
  const chartWidth = await page.locator('svg[role="img"]').evaluate((el) => el.getBoundingClientRect().width);
  t.ok(chartWidth > 300 && chartWidth <= 680, `the chart fits (${Math.round(chartWidth)} px)`);

  const pdf = await page.pdf({ format: 'A4', printBackground: false });
  const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length;
  t.ok(pages >= 1 && pages <= 3, `a short printed report (${pages} A4 pages)`);
  await context.close();
});
