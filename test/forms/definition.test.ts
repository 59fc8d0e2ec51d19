import t from 'tap';
import type { FieldError } from '../../src/errors.js';
import { keyFromLabel } from '../../src/forms/form-definition.js';
import { addField, moveField, moveSection, removeField, removeSection } from '../../src/forms/form-edits.js';
import { type DefinitionInput, checkDefinition, normaliseDefinition } from '../../src/forms/form-rules.js';
import { translator } from '../../src/i18n/i18n.js';
import { formWith, memoryEvent } from '../support/forms.js';

const event = memoryEvent();

function problems(sections: DefinitionInput['sections'], previous?: DefinitionInput): FieldError[] {
  return checkDefinition(
    normaliseDefinition({ sections }),
    event,
    previous ? { previous: normaliseDefinition(previous) } : {},
  );
}

const fields = (...list: object[]) => [
  { title: 'Questions', fields: list as DefinitionInput['sections'][number]['fields'] },
];
const codes = (errors: FieldError[]) => errors.map((e) => `${e.field} ${e.code}`);
const lunch = { key: 'dejeuner', type: 'yesno' as const, label: 'Déjeuner' };

t.test('keys are made from labels, unique, never a retired or reserved one', async (t) => {
  t.equal(keyFromLabel('Allergies ou régime alimentaire', new Set()), 'allergies-ou-regime-alimentaire');
  t.equal(keyFromLabel('Déjeuner', new Set(['dejeuner'])), 'dejeuner-2');
  t.equal(keyFromLabel('Email', new Set()), 'email-2', 'a built-in name is reserved');
  t.equal(keyFromLabel('???', new Set()), 'champ');
  const definition = normaliseDefinition(
    {
      sections: [
        {
          title: ' Repas ',
          fields: [
            { type: 'yesno', label: ' Déjeuner ' },
            { type: 'yesno', label: 'Déjeuner' },
            { type: 'text', label: 'Allergies' },
          ],
        },
      ],
    },
    ['allergies'],
  );
  t.same(
    definition.sections[0].fields.map((f) => f.key),
    ['dejeuner', 'dejeuner-2', 'allergies-2'],
    'the key of a removed field is not given again',
  );
  t.equal(definition.sections[0].title, 'Repas', 'trimmed');
  t.equal(definition.sections[0].id, 'section-1');
  t.same(
    formWith([
      {
        type: 'choice',
        label: 'Régime',
        options: [{ label: 'Sans porc' }, { label: 'Sans porc' }, { key: 'vege', label: 'Végétarien' }],
      },
    ]).sections[0].fields[0].options,
    [
      { key: 'sans-porc', label: 'Sans porc' },
      { key: 'sans-porc-2', label: 'Sans porc' },
      { key: 'vege', label: 'Végétarien' },
    ],
  );
});

t.test('settings a type does not use are dropped; defaults filled in', async (t) => {
  const [text, choice, ranks, consent] = formWith([
    { type: 'text', label: 'Nom', options: [{ label: 'x' }], ranks: 3, min: 1, maxLength: 50 },
    { type: 'choice', label: 'Choix', options: [{ label: 'A' }], maxLength: 5 },
    { type: 'group_preference', label: 'Groupes' },
    { type: 'consent', label: 'Photos' },
  ]).sections[0].fields;
  t.same(text, { key: 'nom', type: 'text', label: 'Nom', required: false, maxLength: 50 });
  t.same(choice, {
    key: 'choix',
    type: 'choice',
    label: 'Choix',
    required: false,
    options: [{ key: 'a', label: 'A' }],
    display: 'radio',
  });
  t.equal(ranks.ranks, 2, 'two ranks by default');
  t.equal(consent.required, true, 'a consent box is required unless said otherwise');
});

t.test('conditions must look at an earlier choice field, with answers it has', async (t) => {
  const allergies = (condition: object) => ({ key: 'allergies', type: 'text', label: 'Allergies', condition });
  t.same(problems(fields(lunch, allergies({ field: 'dejeuner', values: ['yes'] }))), [], 'on an earlier yes/no');
  t.same(
    problems(fields(allergies({ field: 'structureType', values: ['travailleur-social', 'association'] }))),
    [],
    'on the structure type',
  );
  t.same(codes(problems(fields(allergies({ field: 'dejeuner', values: ['yes'] }), lunch))), [
    'sections.0.fields.0.condition condition_later_field',
  ]);
  t.same(codes(problems(fields(allergies({ field: 'allergies', values: ['x'] })))), [
    'sections.0.fields.0.condition condition_self',
  ]);
  t.same(codes(problems(fields(allergies({ field: 'dessert', values: ['yes'] })))), [
    'sections.0.fields.0.condition condition_unknown_field',
  ]);
  t.same(codes(problems(fields(lunch, allergies({ field: 'dejeuner', values: ['maybe'] })))), [
    'sections.0.fields.1.condition condition_value',
  ]);
  t.same(codes(problems(fields(lunch, allergies({ field: 'dejeuner', values: [] })))), [
    'sections.0.fields.1.condition condition_values_empty',
  ]);
  t.same(
    codes(problems(fields(allergies({ field: 'firstName', values: ['x'] })))),
    ['sections.0.fields.0.condition condition_not_choice'],
    'a text cannot drive a condition',
  );
  t.same(
    codes(problems(fields(allergies({ field: 'consent', values: ['yes'] })))),
    ['sections.0.fields.0.condition condition_later_field'],
    'the consent comes last',
  );
  const [error] = problems(fields(allergies({ field: 'dejeuner', values: ['yes'] }), lunch));
  t.equal(
    translator('fr')(`errors.${error.code}`, error.params),
    'La condition de « Allergies » porte sur « Déjeuner », qui doit être placée avant elle dans le formulaire.',
    'a clear message',
  );
  t.same(
    problems([
      { title: 'Repas', fields: [lunch as DefinitionInput['sections'][number]['fields'][number]] },
      {
        title: 'Santé',
        fields: [
          allergies({ field: 'dejeuner', values: ['no'] }) as DefinitionInput['sections'][number]['fields'][number],
        ],
      },
    ]),
    [],
    'across sections',
  );
});

t.test('choices need options; limits must make sense; keys must be unique', async (t) => {
  t.same(codes(problems(fields({ type: 'choice', label: 'Régime', options: [] }))), [
    'sections.0.fields.0.options options_empty',
  ]);
  t.same(codes(problems(fields({ type: 'multiple', label: 'Besoins' }))), [
    'sections.0.fields.0.options options_empty',
  ]);
  t.same(
    codes(
      problems(
        fields({
          type: 'choice',
          label: 'Régime',
          options: [
            { key: 'a', label: 'A' },
            { key: 'a', label: 'B' },
          ],
        }),
      ),
    ),
    ['sections.0.fields.0.options.1.key duplicate_option'],
  );
  t.same(codes(problems(fields({ type: 'choice', label: 'Régime', options: [{ key: 'a', label: ' ' }] }))), [
    'sections.0.fields.0.options.0.label required',
  ]);
  t.same(codes(problems(fields({ type: 'text', label: 'Nom', minLength: 10, maxLength: 5 }))), [
    'sections.0.fields.0.minLength min_above_max',
  ]);
  t.same(codes(problems(fields({ type: 'text', label: 'Nom', maxLength: 1e6 }))), [
    'sections.0.fields.0.maxLength length_limit',
  ]);
  t.same(codes(problems(fields({ type: 'number', label: 'Âge', min: 99, max: 18 }))), [
    'sections.0.fields.0.min min_above_max',
  ]);
  t.same(
    codes(
      problems(
        fields({
          type: 'multiple',
          label: 'Besoins',
          options: [{ label: 'A' }, { label: 'B' }],
          minSelections: 2,
          maxSelections: 1,
        }),
      ),
    ),
    ['sections.0.fields.0.minSelections min_above_max'],
  );
  t.same(codes(problems(fields({ type: 'multiple', label: 'Besoins', options: [{ label: 'A' }], maxSelections: 5 }))), [
    'sections.0.fields.0.maxSelections selections_limit',
  ]);
  t.same(codes(problems(fields({ type: 'group_preference', label: 'Groupes', ranks: 0 }))), [
    'sections.0.fields.0.ranks ranks_limit',
  ]);
  t.same(codes(problems(fields({ type: 'group_preference', label: 'A' }, { type: 'group_preference', label: 'B' }))), [
    'sections.0.fields.1.type group_preference_twice',
  ]);
  t.same(
    codes(
      problems(fields({ key: 'dejeuner', type: 'yesno', label: 'A' }, { key: 'dejeuner', type: 'text', label: 'B' })),
    ),
    ['sections.0.fields.1.key duplicate_field_key'],
  );
  t.same(codes(problems(fields({ key: 'email', type: 'email', label: 'Email du responsable' }))), [
    'sections.0.fields.0.key reserved_key',
  ]);
  t.same(codes(problems(fields({ key: 'Pas Une Clé', type: 'text', label: 'x' }))), [
    'sections.0.fields.0.key key_format',
  ]);
  t.same(codes(problems(fields({ type: 'text', label: '' }))), ['sections.0.fields.0.label required']);
  t.same(
    codes(problems(fields({ type: 'info', label: '', text: '' }))),
    ['sections.0.fields.0.text required'],
    'information needs a text, not a title',
  );
  t.same(codes(problems(fields({ type: 'text', label: 'x'.repeat(201) }))), ['sections.0.fields.0.label too_long']);
  t.same(
    codes(
      problems([
        { id: 'a', title: 'A', fields: [] },
        { id: 'a', title: 'B', fields: [] },
      ]),
    ),
    ['sections.1.id duplicate_section'],
  );
  t.same(codes(problems(Array.from({ length: 51 }, () => ({ title: 'S', fields: [] })))), ['sections too_many']);
});

t.test('a field keeps its type under its key', async (t) => {
  const before = fields({ key: 'dejeuner', type: 'yesno', label: 'Déjeuner' });
  t.same(codes(problems(fields({ key: 'dejeuner', type: 'text', label: 'Déjeuner' }), { sections: before })), [
    'sections.0.fields.0.type type_changed',
  ]);
  t.same(
    problems(fields({ key: 'dejeuner', type: 'yesno', label: 'Déjeunerez-vous ?' }), { sections: before }),
    [],
    'the label can change',
  );
});

t.test('builder changes: moving and removing keep conditions honest', async (t) => {
  const definition = normaliseDefinition({
    sections: [
      {
        id: 'repas',
        title: 'Repas',
        fields: [
          lunch,
          { key: 'allergies', type: 'text', label: 'Allergies', condition: { field: 'dejeuner', values: ['yes'] } },
        ],
      },
      { id: 'venue', title: 'Venue', fields: [{ key: 'acces', type: 'textarea', label: 'Accessibilité' }] },
    ],
  });
  const check = (input: DefinitionInput) => codes(checkDefinition(normaliseDefinition(input), event));
  t.same(check(moveField(definition, 'allergies', 'down')), [], 'the dependent field moves into the next section');
  t.same(
    normaliseDefinition(moveField(definition, 'allergies', 'down')).sections.map((s) => s.fields.map((f) => f.key)),
    [['dejeuner'], ['allergies', 'acces']],
  );
  t.same(
    check(moveField(definition, 'dejeuner', 'down')),
    ['sections.0.fields.0.condition condition_later_field'],
    'the trigger cannot go below its dependent',
  );
  t.same(check(moveSection(definition, 'venue', 'up')), [], 'sections move');
  t.same(check(moveField(definition, 'acces', 'up')), []);
  t.same(
    normaliseDefinition(moveField(definition, 'acces', 'up')).sections.map((s) => s.fields.map((f) => f.key)),
    [['dejeuner', 'allergies', 'acces'], []],
  );
  t.same(
    check(removeField(definition, 'dejeuner')),
    ['sections.0.fields.0.condition condition_unknown_field'],
    'a trigger cannot be removed while a condition uses it',
  );
  t.throws(() => removeSection(definition, 'repas'), { code: 'section_not_empty' });
  t.same(
    normaliseDefinition(
      addField({ builtIns: {}, sections: [] }, null, { type: 'text', label: 'Commentaire' }),
    ).sections.map((s) => s.fields.map((f) => f.key)),
    [['commentaire']],
    'a first field gets a section',
  );
});
