import { Type } from 'typebox';
import { FormDefinitionSchema } from '../forms/form.schemas.js';
import { StringEnum } from '../shared/api-schemas.js';

/** The survey: a form definition as for /form (no built-in labels), and whether it is anonymous. */
export const SurveySchema = Type.Object(
  {
    ...FormDefinitionSchema.properties,
    anonymous: Type.Optional(
      Type.Boolean({ description: 'Anonymous (the default); fixed once the survey has been sent' }),
    ),
  },
  { additionalProperties: false },
);

export const SendBody = Type.Object(
  { to: StringEnum(['present', 'confirmed'] as const, { description: 'People marked present, or every confirmed' }) },
  { additionalProperties: false },
);

export const SendResponse = Type.Object({
  queued: Type.Integer({ description: 'Emails queued now' }),
  alreadySent: Type.Integer({ description: 'People of that audience sent the survey before (never twice)' }),
});

const Choice = Type.Object({
  key: Type.String(),
  label: Type.String(),
  count: Type.Integer(),
  percent: Type.Integer({ description: 'Share of the people who answered the question' }),
});

export const ResultsResponse = Type.Object({
  anonymous: Type.Boolean(),
  sent: Type.Integer({ description: 'People sent the survey' }),
  answered: Type.Integer({ description: 'Answers received' }),
  questions: Type.Array(
    Type.Object({
      key: Type.String(),
      label: Type.String(),
      type: Type.String(),
      answers: Type.Integer(),
      choices: Type.Union([Type.Array(Choice), Type.Null()]),
      texts: Type.Union([Type.Array(Type.String()), Type.Null()]),
    }),
  ),
});
