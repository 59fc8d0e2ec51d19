import t from 'tap';
import { saveDefinition } from '../../src/forms/form.service.js';
import { Registration } from '../../src/registrations/registration.entity.js';
import { Browser, buildTestApp, textOf } from '../support/app.js';
import { attendee, openEvent } from '../support/events.js';
import { submit } from '../support/forms.js';

const { app, orm } = await buildTestApp(t);
const em = () => orm.em.fork();

// Lunch (yes/no) → diet (choice, only if lunch) → details of the allergy (text, only if diet is "allergie"),
// and a neighbourhood only for social workers.
const chain = [
  { key: 'dejeuner', type: 'yesno', label: 'Déjeuner', required: true },
  {
    key: 'regime',
    type: 'choice',
    label: 'Régime',
    required: true,
    options: [
      { key: 'aucun', label: 'Aucun' },
      { key: 'allergie', label: 'Allergie' },
    ],
    condition: { field: 'dejeuner', values: ['yes'] },
  },
  {
    key: 'allergie',
    type: 'text',
    label: 'Quelle allergie ?',
    required: true,
    condition: { field: 'regime', values: ['allergie'] },
  },
  {
    key: 'quartier',
    type: 'text',
    label: 'Quartier',
    required: true,
    condition: { field: 'structureType', values: ['travailleur-social'] },
  },
];

t.test('a field is shown only when its condition holds, and conditions chain', async (t) => {
  const none = submit(chain, { dejeuner: 'no', regime: 'allergie', allergie: 'arachide', quartier: 'Monplaisir' });
  t.same(none.errors, [], 'hidden fields are never required');
  t.same(
    [...none.shown].filter(
      (k) => !['firstName', 'lastName', 'email', 'organisation', 'structureType', 'consent'].includes(k),
    ),
    ['dejeuner'],
  );
  t.notOk(none.values.has('regime'), 'a hidden answer is dropped');
  t.notOk(none.values.has('allergie'), 'hidden because its trigger is hidden');
  t.notOk(none.values.has('quartier'));

  const missing = submit(chain, { dejeuner: 'yes' });
  t.same(
    missing.errors,
    [{ field: 'regime', code: 'choose_one' }],
    'shown and required: an error if empty; the next link waits for its answer',
  );

  const deeper = submit(chain, { dejeuner: 'yes', regime: 'allergie' });
  t.same(deeper.errors, [{ field: 'allergie', code: 'required' }], 'the chain goes on');

  const all = submit(chain, {
    dejeuner: 'yes',
    regime: 'allergie',
    allergie: 'Arachide',
    structureType: 'travailleur-social',
    quartier: 'Belle-Beille',
  });
  t.same(all.errors, []);
  t.equal(all.values.get('allergie'), 'Arachide');
  t.equal(all.values.get('quartier'), 'Belle-Beille', 'a condition on the structure type');

  const invalidTrigger = submit(chain, { dejeuner: 'peut-être', regime: 'aucun' });
  t.same(invalidTrigger.errors, [{ field: 'dejeuner', code: 'choice' }], 'an unreadable trigger hides its dependents');

  const multi = submit(
    [
      {
        key: 'besoins',
        type: 'multiple',
        label: 'Besoins',
        options: [
          { key: 'rampe', label: 'Rampe' },
          { key: 'autre', label: 'Autre' },
        ],
      },
      {
        key: 'precision',
        type: 'text',
        label: 'Précisez',
        required: true,
        condition: { field: 'besoins', values: ['autre'] },
      },
      { key: 'photo', type: 'consent', label: 'Photos', required: false },
      { key: 'usage', type: 'text', label: 'Usage des photos', condition: { field: 'photo', values: ['yes'] } },
    ],
    { besoins: ['rampe', 'autre'], usage: 'x' },
  );
  t.same(multi.errors, [{ field: 'precision', code: 'required' }], 'any ticked box among the values shows the field');
  t.notOk(multi.values.has('usage'), 'an unticked consent hides its dependent');
});

t.test('without JavaScript: every field is on the page with its hint, the server decides', async (t) => {
  const event = await openEvent(em());
  await saveDefinition(em(), event, {
    sections: [{ title: 'Repas', intro: 'Un déjeuner est offert.', fields: chain as never }],
  });
  const browser = new Browser(app);
  const page = await browser.get(`/e/${event.slug}/register`);
  t.equal(page.statusCode, 200);
  t.match(page.body, /data-field-key="regime" data-condition-field="dejeuner" data-condition-values="yes"/);
  t.match(textOf(page.body), 'À remplir seulement si vous avez répondu « Oui » à « Déjeuner ».');
  t.match(textOf(page.body), 'À remplir seulement si vous avez répondu « Allergie » à « Régime ».');
  t.match(page.body, /<h2>Repas<\/h2>/);
  t.match(page.body, 'src="/static/form-conditions.js"', 'the script is a file (CSP)');
  t.notMatch(page.body, /<script>/, 'no inline script');
  t.match(
    page.body,
    /<fieldset class="field form-item" id="field-dejeuner"[^>]*>\s*<legend>Déjeuner/,
    'a fieldset and legend for the choice',
  );

  // Lunch yes but the diet left empty: the form comes back with the error beside the diet, values kept.
  const first = await browser.submit(`/e/${event.slug}/register`, `/e/${event.slug}/register`, {
    ...attendee(1, 'association'),
    dejeuner: 'yes',
    allergie: 'Arachide',
  });
  t.equal(first.statusCode, 400);
  t.match(first.body, /id="field-regime-error"/);
  t.match(first.body, /id="field-regime" data-field-key="regime"[^>]*aria-describedby="[^"]*field-regime-error/);
  t.match(first.body, /value="yes" checked/, 'the lunch answer is kept');
  t.match(first.body, 'Arachide', 'the allergy typed ahead is kept');
  t.match(first.body, /href="#field-regime"/, 'the error summary links to the field');

  // Lunch no: the diet and allergy typed anyway are dropped.
  const ok = await browser.submit(`/e/${event.slug}/register`, `/e/${event.slug}/register`, {
    ...attendee(1, 'association'),
    dejeuner: 'no',
    regime: 'allergie',
    allergie: 'Arachide',
  });
  t.equal(ok.statusCode, 303);
  const saved = await em().findOneOrFail(Registration, { email: 'personne1@exemple.fr' });
  t.same(Object.keys(saved.answers), ['dejeuner'], 'only the shown answers are stored');
  t.same(saved.answers.dejeuner, { label: 'Déjeuner', type: 'yesno', value: false });

  // Social worker: the neighbourhood becomes required.
  const worker = await browser.submit(`/e/${event.slug}/register`, `/e/${event.slug}/register`, {
    ...attendee(2, 'travailleur-social'),
    dejeuner: 'no',
  });
  t.equal(worker.statusCode, 400);
  t.match(worker.body, /id="field-quartier-error"/);
  const workerOk = await browser.submit(`/e/${event.slug}/register`, `/e/${event.slug}/register`, {
    ...attendee(2, 'travailleur-social'),
    dejeuner: 'yes',
    regime: 'allergie',
    allergie: 'Lactose',
    quartier: 'Roseraie',
  });
  t.equal(workerOk.statusCode, 303);
  const second = await em().findOneOrFail(Registration, { email: 'personne2@exemple.fr' });
  t.same(Object.keys(second.answers).sort(), ['allergie', 'dejeuner', 'quartier', 'regime']);
  t.same(second.answers.regime, {
    label: 'Régime',
    type: 'choice',
    value: 'allergie',
    options: { allergie: 'Allergie' },
  });
});
