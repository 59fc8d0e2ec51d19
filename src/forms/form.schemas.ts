import { Type } from 'typebox';
import { Nullable, StringEnum } from '../shared/api-schemas.js';
import { BUILT_IN_KEYS, FIELD_TYPE_NAMES, LIMITS } from './form-definition.js';

/** JSON shape of a form definition (GET and PUT /api/v1/events/:id/form); the rules themselves are in form-rules.ts. */

const Key = Type.String({ maxLength: LIMITS.key });
const Int = (description?: string) =>
  Type.Optional(Nullable<number>({ type: 'integer', ...(description ? { description } : {}) }));
const Num = (description: string) => Type.Optional(Nullable<number>({ type: 'number', description }));

const Option = Type.Object(
  {
    key: Type.Optional(
      Type.String({ maxLength: LIMITS.key, description: 'Stable key; made from the label when left out' }),
    ),
    label: Type.String({ maxLength: LIMITS.label }),
  },
  { additionalProperties: false },
);

const Condition = Type.Object(
  {
    field: Type.String({
      maxLength: LIMITS.key,
      description: 'Key of an earlier field (structureType or a choice, yes/no or consent field)',
    }),
    values: Type.Array(Type.String({ maxLength: LIMITS.key }), {
      maxItems: LIMITS.options,
      description: 'Answers that show the field: option keys, "yes"/"no"',
    }),
  },
  { additionalProperties: false },
);

export const FieldSchema = Type.Object(
  {
    key: Type.Optional(
      Type.String({
        maxLength: LIMITS.key,
        description: 'Stable key of the answers; made from the label when left out',
      }),
    ),
    type: StringEnum(FIELD_TYPE_NAMES),
    label: Type.String({ maxLength: LIMITS.label }),
    help: Type.Optional(Type.String({ maxLength: LIMITS.help })),
    required: Type.Optional(Type.Boolean()),
    placeholder: Type.Optional(Type.String({ maxLength: LIMITS.placeholder })),
    minLength: Int('Texts'),
    maxLength: Int('Texts'),
    min: Num('Numbers'),
    max: Num('Numbers'),
    minSelections: Int('Multiple choice'),
    maxSelections: Int('Multiple choice'),
    options: Type.Optional(Type.Array(Option, { maxItems: LIMITS.options })),
    display: Type.Optional(StringEnum(['radio', 'select'] as const)),
    text: Type.Optional(Type.String({ maxLength: LIMITS.text, description: 'Information text' })),
    ranks: Int('Group preference: number of ranked choices'),
    condition: Type.Optional(
      Nullable<{ field: string; values: string[] }>(Condition as unknown as Record<string, unknown>),
    ),
  },
  { additionalProperties: false },
);

const Section = Type.Object(
  {
    id: Type.Optional(Key),
    title: Type.String({ maxLength: LIMITS.label }),
    intro: Type.Optional(Type.String({ maxLength: LIMITS.intro })),
    fields: Type.Array(FieldSchema, { maxItems: LIMITS.fields }),
  },
  { additionalProperties: false },
);

const BuiltIn = Type.Object(
  {
    label: Type.Optional(Type.String({ maxLength: LIMITS.label })),
    help: Type.Optional(Type.String({ maxLength: LIMITS.help })),
  },
  { additionalProperties: false },
);

export const FormDefinitionSchema = Type.Object(
  {
    builtIns: Type.Optional(
      Type.Object(Object.fromEntries(BUILT_IN_KEYS.map((k) => [k, Type.Optional(BuiltIn)])), {
        additionalProperties: false,
        description: 'Labels and help texts of the built-in fields (empty: the default text)',
      }),
    ),
    sections: Type.Array(Section, { maxItems: LIMITS.sections }),
  },
  { additionalProperties: false },
);
