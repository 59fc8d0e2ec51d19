import t from 'tap';
import { Registration } from '../../src/registrations/registration.entity.js';
import { buildTestApp } from '../support/app.js';
import { launchChromium } from '../support/chromium.js';
import { openEvent } from '../support/events.js';

const { app, orm } = await buildTestApp(t);
const event = await openEvent(orm.em.fork(), { title: 'Atelier de la solidarité 2027' });
const address = await app.listen({ port: 0, host: '127.0.0.1' });
const browser = await launchChromium();
t.teardown(() => browser.close());

const LUNCH = 'Déjeunerez-vous sur place ?';
const DIET = 'Allergies ou régime alimentaire';

t.test('an organiser builds a form with a conditional question through the builder pages', async (t) => {
  const context = await browser.newContext({ locale: 'fr-FR' });
  const page = await context.newPage();
  await page.goto(`${address}/setup`);
  await page.getByLabel('Adresse électronique').fill('orga@ccas-angers.fr');
  await page.getByLabel(/^Mot de passe/).fill('un-mot-de-passe-solide');
  await page.getByLabel('Confirmation du mot de passe').fill('un-mot-de-passe-solide');
  await page.getByRole('button', { name: 'Créer le compte' }).click();
  await page.waitForURL(/\/admin$/);

  await page.goto(`${address}/admin/events/${event.id}`);
  await page.getByRole('link', { name: "Formulaire d'inscription", exact: true }).click();
  await page.getByRole('link', { name: 'Ajouter une section' }).click();
  await page.getByLabel('Titre').fill('Repas');
  await page.getByLabel("Texte d'introduction").fill('Un déjeuner est offert par le CCAS.');
  await page.getByRole('button', { name: 'Enregistrer' }).click();
  await page.waitForURL(/\/form#/);
  t.match(
    await page.locator('.notice-done').innerText(),
    'La section est ajoutée au formulaire.',
    'the builder says so',
  );

  // A yes/no question: choose the type, then fill in its page.
  await page.getByRole('link', { name: /^Ajouter une question/ }).click();
  await page.getByRole('radio', { name: /^Oui \/ non/ }).check();
  await page.getByRole('button', { name: 'Continuer' }).click();
  await page.getByLabel('Question', { exact: false }).first().fill(LUNCH);
  await page.getByLabel('Réponse obligatoire').check();
  await page.getByRole('button', { name: 'Enregistrer', exact: true }).click();
  await page.waitForURL(/\/form#/);

  // A long text shown only when lunch is "yes".
  await page.getByRole('link', { name: /^Ajouter une question/ }).click();
  await page.getByRole('radio', { name: /^Texte long/ }).check();
  await page.getByRole('button', { name: 'Continuer' }).click();
  await page.getByLabel('Question', { exact: false }).first().fill(DIET);
  await page.getByText("Condition d'affichage").click();
  await page.getByRole('group', { name: LUNCH }).getByLabel('Oui').check();
  await page.getByRole('button', { name: 'Enregistrer', exact: true }).click();
  await page.waitForURL(/\/form#/);

  const builder = await page.locator('main').innerText();
  t.match(builder, DIET);
  t.match(
    builder,
    `À remplir seulement si vous avez répondu « Oui » à « ${LUNCH} »`,
    'the condition is shown in the builder',
  );

  await page.getByRole('link', { name: 'Aperçu' }).click();
  // Read the preview only once it has replaced the builder and its script has run.
  await page.waitForURL(/\/form\/preview/);
  await page.waitForLoadState('load');
  t.equal(await page.getByLabel(DIET).isVisible(), false, 'the preview behaves like the public form');
  await page.getByRole('group', { name: LUNCH }).getByLabel('Oui').check();
  t.equal(await page.getByLabel(DIET).isVisible(), true);
  await context.close();
});

async function fillPerson(page: import('playwright-core').Page, n: number) {
  await page.getByLabel('Prénom').fill(`Camille${n}`);
  await page.getByLabel(/^Nom/).fill('Martin');
  await page.getByLabel('Adresse électronique').fill(`camille${n}@ccas-exemple.fr`);
  await page.getByLabel('Structure (organisme employeur)').fill("CCAS d'Angers");
  await page.getByRole('radio', { name: 'Association' }).check();
  await page.getByRole('checkbox', { name: /J'accepte/ }).check();
}

t.test('with JavaScript, the conditional question appears when its answer is chosen', async (t) => {
  const context = await browser.newContext({ viewport: { width: 375, height: 740 }, locale: 'fr-FR' });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  await page.goto(`${address}/e/${event.slug}/register`);
  const diet = page.getByLabel(DIET);
  t.equal(await diet.isVisible(), false, 'hidden until lunch is "yes"');
  await fillPerson(page, 1);
  await page.getByRole('group', { name: LUNCH }).getByLabel('Oui').check();
  t.equal(await diet.isVisible(), true, 'appears when "yes" is chosen');
  await diet.fill('Sans gluten');
  await page.getByRole('group', { name: LUNCH }).getByLabel('Non').check();
  t.equal(await diet.isVisible(), false, 'hides again on "no"');
  await page.getByRole('group', { name: LUNCH }).getByLabel('Oui').check();
  t.equal(await diet.inputValue(), 'Sans gluten', 'what was typed is still there');
  await page.getByRole('button', { name: 'Valider mon inscription' }).click();
  await page.waitForURL(/\/r\/[A-Za-z0-9_-]{43}/);
  const summary = await page.locator('main').innerText();
  t.match(summary, DIET);
  t.match(summary, 'Sans gluten');
  t.same(problems, [], 'no script error (the CSP allows the script file)');
  const saved = await orm.em.fork().findOneOrFail(Registration, { email: 'camille1@ccas-exemple.fr' });
  t.same(saved.answers[Object.keys(saved.answers).find((k) => k.startsWith('allergies'))!], {
    label: DIET,
    type: 'textarea',
    value: 'Sans gluten',
  });
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  t.ok(width <= 375, `no horizontal scrolling on a phone (page is ${width}px wide)`);
  await context.close();
});

t.test('without JavaScript, every question is there and the server applies the condition', async (t) => {
  const context = await browser.newContext({ javaScriptEnabled: false, locale: 'fr-FR' });
  const page = await context.newPage();
  await page.goto(`${address}/e/${event.slug}/register`);
  t.equal(await page.getByLabel(DIET).isVisible(), true, 'shown, with its hint');
  t.match(await page.locator('main').innerText(), `À remplir seulement si vous avez répondu « Oui » à « ${LUNCH} »`);
  await fillPerson(page, 2);
  await page.getByLabel(DIET).fill('Végétarien');
  await page.getByRole('button', { name: 'Valider mon inscription' }).click();
  t.equal(await page.getByRole('alert').count(), 1, 'lunch is required: an error summary');
  t.equal(await page.getByLabel(DIET).inputValue(), 'Végétarien', 'values kept');
  await page.getByRole('group', { name: LUNCH }).getByLabel('Non').check();
  await page.getByRole('button', { name: 'Valider mon inscription' }).click();
  await page.waitForURL(/\/r\/[A-Za-z0-9_-]{43}/);
  const saved = await orm.em.fork().findOneOrFail(Registration, { email: 'camille2@ccas-exemple.fr' });
  t.same(Object.keys(saved.answers).length, 1, 'the diet, for someone not staying for lunch, is dropped');
  await context.close();
});
