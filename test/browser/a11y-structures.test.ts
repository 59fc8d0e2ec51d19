import t from 'tap';
import { Registration } from '../../src/registrations/registration.entity.js';
import { Structure } from '../../src/structures/structure.entity.js';
import { checkPage, populatedEvent } from '../support/axe.js';
import { buildTestApp } from '../support/app.js';
import { launchChromium } from '../support/chromium.js';

// axe-core in real Chromium on the structures pages, the registration form with its directory box and
// datalist, and the private page with the directory choice.
const { app, orm } = await buildTestApp(t);
const address = await app.listen({ port: 0, host: '127.0.0.1' });
const browser = await launchChromium();
t.teardown(() => browser.close());
const { page, event, first } = await populatedEvent(orm, browser, address);
const structure = await orm.em.fork().findOneOrFail(Structure, { id: first.structure!.id });
const registration = await orm.em.fork().findOneOrFail(Registration, { id: first.id });

t.test('structures pages: no WCAG 2.1 AA violation at 1280 and 390 px, no sideways scrolling', async (t) => {
  await checkPage(t, page, address, '/admin/structures');
  await checkPage(t, page, address, `/admin/structures/${structure.id}?commune=49000`);
  await checkPage(t, page, address, `/e/${event.slug}/register`);
  await checkPage(t, page, address, `/r/${registration.token}`);
});

t.test('without JavaScript needs: the commune is found by postcode and saved with the card', async (t) => {
  await page.goto(`${address}/admin/structures/${structure.id}`);
  await page.getByLabel('Code postal ou nom de commune').fill('49100');
  await page.getByRole('button', { name: 'Rechercher' }).click();
  await page.getByLabel('Commune', { exact: true }).selectOption('49007');
  await page.getByRole('button', { name: 'Enregistrer' }).click();
  await page.waitForURL(new RegExp(`/admin/structures/${structure.id}$`));
  t.equal((await orm.em.fork().findOneOrFail(Structure, { id: structure.id })).communeCode, '49007');
});
