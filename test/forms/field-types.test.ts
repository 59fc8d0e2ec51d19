import t from 'tap';
import { answersToStore, displayAnswer, exportAnswers, formValuesFromAnswers } from '../../src/forms/answers.js';
import { FIELD_TYPES } from '../../src/forms/fields/index.js';
import { FIELD_TYPE_NAMES } from '../../src/forms/form-definition.js';
import { groupPreferences } from '../../src/forms/group-preferences.js';
import { formView } from '../../src/forms/render.js';
import { translator } from '../../src/i18n/i18n.js';
import { memoryEvent, submit } from '../support/forms.js';

const fr = translator('fr');
const en = translator('en');

/** The error code of the field `key` (or undefined), and its converted value. */
function one(field: Record<string, unknown>, raw: unknown, key = 'q') {
  const result = submit([{ key, label: 'Question', ...field }], raw === undefined ? {} : { [key]: raw });
  const error = result.errors.find((e) => e.field === key || e.field.startsWith(`${key}.`));
  return { code: error?.code, params: error?.params, value: result.values.get(key), result };
}

t.test('every type is registered under its own name', async (t) => {
  t.same(Object.keys(FIELD_TYPES).sort(), [...FIELD_TYPE_NAMES].sort());
  for (const name of FIELD_TYPE_NAMES) t.equal(FIELD_TYPES[name].name, name);
});

t.test('short text: trimmed, required, length limits, control characters, unreadable values', async (t) => {
  t.equal(one({ type: 'text' }, '  Monplaisir  ').value, 'Monplaisir');
  t.equal(one({ type: 'text', required: true }, '   ').code, 'required');
  t.equal(one({ type: 'text' }, '').value, undefined, 'optional and empty: no answer');
  t.same(one({ type: 'text', maxLength: 5 }, 'abcdef'), {
    code: 'too_long',
    params: { max: 5 },
    value: undefined,
    result: one({ type: 'text', maxLength: 5 }, 'abcdef').result,
  });
  t.equal(one({ type: 'text', minLength: 3 }, 'ab').code, 'too_short');
  t.equal(one({ type: 'text' }, 'a'.repeat(201)).code, 'too_long', 'default limit of 200');
  t.equal(one({ type: 'text' }, 'bip\u0007').code, 'control_characters');
  t.equal(one({ type: 'text' }, { nested: 'object' }).code, 'invalid_value');
  t.equal(one({ type: 'text' }, ['first', 'second']).value, 'first', 'a repeated field takes its first value');
  t.equal(one({ type: 'text' }, 42).value, '42');
});

t.test('long text keeps its lines and has a larger limit', async (t) => {
  t.equal(one({ type: 'textarea' }, 'ligne 1\r\nligne 2').value, 'ligne 1\nligne 2');
  t.equal(one({ type: 'textarea' }, 'a'.repeat(5000)).code, undefined);
  t.equal(one({ type: 'textarea' }, 'a'.repeat(5001)).code, 'too_long');
  t.equal(one({ type: 'textarea', maxLength: 10 }, 'a'.repeat(11)).code, 'too_long');
});

t.test('email and phone', async (t) => {
  t.equal(one({ type: 'email' }, 'responsable@ccas.fr').value, 'responsable@ccas.fr');
  t.equal(one({ type: 'email' }, 'pas une adresse').code, 'email');
  t.equal(one({ type: 'phone' }, '+33 2 41 00 00 00').value, '+33 2 41 00 00 00');
  t.equal(one({ type: 'phone' }, '(02) 41.00-00-00').code, undefined);
  t.equal(one({ type: 'phone' }, '12').code, 'phone', 'too few digits');
  t.equal(one({ type: 'phone' }, 'appelez-moi').code, 'phone');
  t.equal(one({ type: 'phone', required: true }, '').code, 'required');
});

t.test('number: decimal comma, minimum and maximum', async (t) => {
  t.equal(one({ type: 'number' }, '3,5').value, 3.5);
  t.equal(one({ type: 'number' }, '12').value, 12);
  t.equal(one({ type: 'number' }, 7).value, 7, 'a JSON number from the API');
  t.equal(one({ type: 'number' }, 'douze').code, 'number');
  t.equal(one({ type: 'number' }, '1e400').code, 'number', 'infinity is not a number');
  t.same(one({ type: 'number', min: 1, max: 10 }, '0').params, { min: 1 });
  t.equal(one({ type: 'number', min: 1, max: 10 }, '0').code, 'number_min');
  t.equal(one({ type: 'number', min: 1, max: 10 }, '11').code, 'number_max');
  t.equal(one({ type: 'number', min: 1, max: 10 }, '10').value, 10);
});

t.test('date: ISO or French day, real days only', async (t) => {
  t.equal(one({ type: 'date' }, '2026-03-12').value, '2026-03-12');
  t.equal(one({ type: 'date' }, '12/03/2026').value, '2026-03-12', 'as typed where there is no date picker');
  t.equal(one({ type: 'date' }, '2026-02-30').code, 'date');
  t.equal(one({ type: 'date' }, 'demain').code, 'date');
});

const options = [{ label: 'Végétarien' }, { label: 'Sans gluten' }, { label: 'Sans porc' }];

t.test('single choice: an existing option only, radio buttons or a drop-down list', async (t) => {
  t.equal(one({ type: 'choice', options }, 'sans-gluten').value, 'sans-gluten');
  t.equal(one({ type: 'choice', options }, 'halal').code, 'choice', 'an option that does not exist');
  t.equal(one({ type: 'choice', options, required: true }, '').code, 'choose_one');
  const radios = submit([{ key: 'q', type: 'choice', label: 'Régime', options }], {});
  const view = formView(radios.form, { q: 'sans-porc' }, [], fr);
  const field = view.sections.flatMap((s) => s.fields).find((f) => f.key === 'q')!;
  t.equal(field.control.kind, 'radios');
  t.ok(field.group, 'a fieldset with a legend');
  t.same(
    field.control.kind === 'radios' && field.control.options.map((o) => o.selected),
    [false, false, true],
    'the posted value is kept',
  );
  const select = submit([{ key: 'q', type: 'choice', label: 'Régime', options, display: 'select' }], {});
  const selectView = formView(select.form, {}, [], fr)
    .sections.flatMap((s) => s.fields)
    .find((f) => f.key === 'q')!;
  t.equal(selectView.control.kind, 'select');
  t.notOk(selectView.group, 'a drop-down list has its own label');
});

t.test('multiple choice: existing options, minimum and maximum ticks', async (t) => {
  t.same(one({ type: 'multiple', options }, ['vegetarien', 'sans-porc']).value, ['vegetarien', 'sans-porc']);
  t.same(
    one({ type: 'multiple', options }, 'vegetarien').value,
    ['vegetarien'],
    'one ticked box arrives as a single value',
  );
  t.same(one({ type: 'multiple', options }, ['vegetarien', 'vegetarien']).value, ['vegetarien'], 'no duplicates');
  t.equal(one({ type: 'multiple', options }, ['halal']).code, 'choice');
  t.equal(one({ type: 'multiple', options, required: true }, undefined).code, 'choose_at_least_one');
  t.equal(one({ type: 'multiple', options, minSelections: 2 }, ['vegetarien']).code, 'selections_min');
  t.equal(one({ type: 'multiple', options, maxSelections: 1 }, ['vegetarien', 'sans-porc']).code, 'selections_max');
  t.equal(
    one({ type: 'multiple', options, minSelections: 2 }, undefined).code,
    undefined,
    'optional: no ticks is fine',
  );
  t.equal(
    one(
      { type: 'multiple', options },
      Array.from({ length: 50 }, (_, i) => `option-${i}`),
    ).code,
    'choice',
    'more values than options',
  );
  t.equal(one({ type: 'multiple', options }, [{ a: 1 }]).code, 'invalid_value');
});

t.test('yes/no and consent', async (t) => {
  t.equal(one({ type: 'yesno' }, 'yes').value, true);
  t.equal(one({ type: 'yesno' }, 'no').value, false);
  t.equal(one({ type: 'yesno' }, false).value, false, 'a JSON boolean from the API');
  t.equal(one({ type: 'yesno' }, 'peut-être').code, 'choice');
  t.equal(one({ type: 'yesno', required: true }, undefined).code, 'choose_one');
  t.equal(one({ type: 'consent', label: "J'accepte d'être pris en photo" }, 'yes').value, true);
  t.equal(one({ type: 'consent', label: 'Photos', required: true }, undefined).code, 'consent_required');
  t.equal(
    one({ type: 'consent', label: 'Photos', required: false }, undefined).value,
    false,
    'an unticked optional box is a recorded no',
  );
});

t.test('information text has nothing to answer', async (t) => {
  const { result } = one(
    { type: 'info', label: '', text: 'Accès par le tram A, arrêt Monplaisir.' },
    'ignored',
    'acces',
  );
  t.notOk(result.values.has('acces'));
  t.same(result.errors, []);
  const view = formView(result.form, {}, [], fr)
    .sections.flatMap((s) => s.fields)
    .find((f) => f.key === 'acces')!;
  t.same(view.control, { kind: 'info', text: 'Accès par le tram A, arrêt Monplaisir.' });
});

t.test('group preference: one list per rank, groups of the programme only, no group twice', async (t) => {
  const field = { key: 'groupes', type: 'group_preference', label: 'Groupes préférés', ranks: 2 };
  const ok = submit([field], { 'groupes.1': '12', 'groupes.2': '11' });
  t.same(ok.errors, []);
  t.same(ok.values.get('groupes'), [12, 11], 'session ids, first choice first');
  t.same(submit([field], { groupes: [13, 11] }).values.get('groupes'), [13, 11], 'a list from the API');
  t.same(
    submit([field], { 'groupes.1': '', 'groupes.2': '13' }).values.get('groupes'),
    [13],
    'a skipped rank closes up',
  );
  t.same(submit([field], { 'groupes.1': '12', 'groupes.2': '12' }).errors, [
    { field: 'groupes.2', code: 'group_twice' },
  ]);
  t.same(
    submit([field], { 'groupes.1': '10' }).errors,
    [{ field: 'groupes.1', code: 'choice' }],
    'the plenary is not a group',
  );
  t.same(submit([field], { groupes: [11, 12, 13] }).errors, [
    { field: 'groupes', code: 'ranks_too_many', params: { max: 2 } },
  ]);
  t.same(submit([{ ...field, required: true }], { 'groupes.1': '12' }).errors, [
    { field: 'groupes.2', code: 'ranks_incomplete', params: { count: 2 } },
  ]);
  t.same(submit([{ ...field, required: true }], {}).errors, [{ field: 'groupes', code: 'choose_one' }]);
  t.same(submit([field], { groupes: [{ id: 1 }] }).errors, [{ field: 'groupes.1', code: 'invalid_value' }]);

  const view = formView(ok.form, { 'groupes.1': '12' }, [], fr)
    .sections.flatMap((s) => s.fields)
    .find((f) => f.key === 'groupes')!;
  t.equal(view.control.kind, 'ranks');
  if (view.control.kind === 'ranks') {
    t.same(
      view.control.ranks.map((r) => [r.name, r.id, r.label]),
      [
        ['groupes.1', 'field-groupes--1', '1er choix'],
        ['groupes.2', 'field-groupes--2', '2e choix'],
      ],
    );
    t.same(
      view.control.ranks[0].options.map((o) => o.label),
      ['Groupe 1', 'Groupe 2', 'Groupe 3'],
      'the breakout groups only',
    );
    t.ok(view.control.ranks[0].options.find((o) => o.value === '12')?.selected);
  }
  const fewer = submit([{ ...field, ranks: 5 }], {}, memoryEvent(2));
  const fewerView = formView(fewer.form, {}, [], fr)
    .sections.flatMap((s) => s.fields)
    .find((f) => f.key === 'groupes')!;
  t.equal(fewerView.control.kind === 'ranks' && fewerView.control.ranks.length, 2, 'never more ranks than groups');
  const none = submit([{ ...field, required: true }], {}, memoryEvent(0));
  t.same(none.errors, [], 'without groups the question is not asked, so not required');
  t.notOk(
    formView(none.form, {}, [], fr)
      .sections.flatMap((s) => s.fields)
      .some((f) => f.key === 'groupes'),
  );
});

t.test('stored answers keep the labels the attendee saw, read and export by type', async (t) => {
  const fields = [
    { key: 'nom', type: 'text', label: "Nom d'usage" },
    { key: 'nombre', type: 'number', label: 'Personnes' },
    { key: 'jour', type: 'date', label: 'Arrivée' },
    { key: 'regime', type: 'choice', label: 'Régime', options },
    {
      key: 'besoins',
      type: 'multiple',
      label: 'Besoins',
      options: [{ label: 'Rampe' }, { label: 'Boucle magnétique' }],
    },
    { key: 'dejeuner', type: 'yesno', label: 'Déjeuner' },
    { key: 'photos', type: 'consent', label: 'Photos', required: false },
    { key: 'groupes', type: 'group_preference', label: 'Groupes', ranks: 2 },
  ];
  const { form, values, errors } = submit(fields, {
    nom: 'Zoé',
    nombre: '1234,5',
    jour: '2026-03-12',
    regime: 'sans-gluten',
    besoins: ['rampe', 'boucle-magnetique'],
    dejeuner: 'yes',
    photos: '',
    'groupes.1': '13',
    'groupes.2': '11',
  });
  t.same(errors, []);
  const stored = answersToStore(form, values);
  t.same(stored.regime, {
    label: 'Régime',
    type: 'choice',
    value: 'sans-gluten',
    options: { 'sans-gluten': 'Sans gluten' },
  });
  t.same(stored.groupes, {
    label: 'Groupes',
    type: 'group_preference',
    value: [13, 11],
    options: { 13: 'Groupe 3', 11: 'Groupe 1' },
  });
  t.notOk('firstName' in stored, 'built-in answers live in their own columns');
  const read = (key: string, t: typeof fr = fr, locale = 'fr') => displayAnswer(stored[key], t, locale);
  t.equal(read('nombre'), (1234.5).toLocaleString('fr-FR'));
  t.equal(read('jour'), '12 mars 2026');
  t.equal(read('jour', en, 'en'), '12 March 2026');
  t.equal(read('besoins'), 'Rampe, Boucle magnétique');
  t.equal(read('dejeuner'), 'Oui');
  t.equal(read('dejeuner', en, 'en'), 'Yes');
  t.equal(read('photos'), 'Refusé');
  t.equal(read('groupes'), '1. Groupe 3 ; 2. Groupe 1');
  t.same(exportAnswers(stored), {
    nom: 'Zoé',
    nombre: 1234.5,
    jour: '2026-03-12',
    regime: 'sans-gluten',
    besoins: ['rampe', 'boucle-magnetique'],
    dejeuner: true,
    photos: false,
    groupes: [13, 11],
  });
  t.same(
    formValuesFromAnswers(form, stored),
    {
      nom: 'Zoé',
      nombre: '1234.5',
      jour: '2026-03-12',
      regime: 'sans-gluten',
      besoins: ['rampe', 'boucle-magnetique'],
      dejeuner: 'yes',
      'groupes.1': '13',
      'groupes.2': '11',
    },
    'the edit page shows the answers again',
  );
  t.same(groupPreferences(form.definition, stored), [13, 11]);
  t.same(groupPreferences(form.definition, {}), [], 'no answer');
  t.same(groupPreferences({ builtIns: {}, sections: [] }, stored), [], 'no group question in the form');
});
