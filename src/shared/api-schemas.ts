import { Type } from 'typebox';

export const ErrorSchema = Type.Object(
  {
    error: Type.String({ description: 'A stable machine-readable code' }),
    message: Type.String(),
    details: Type.Array(Type.Object({ field: Type.String(), code: Type.String(), message: Type.String() })),
  },
  { $id: 'Error' },
);

export const errorResponses = {
  400: Type.Ref('Error'),
  401: Type.Ref('Error'),
  404: Type.Ref('Error'),
  409: Type.Ref('Error'),
};

/** The largest id a row can have (a PostgreSQL integer): a larger one names nothing and is refused. */
export const MAX_ID = 2_147_483_647;

/** A row id in a path: a positive whole number that fits the database's integer (else a 400, not a 500). */
export const RowId = Type.Integer({ minimum: 1, maximum: MAX_ID });
export const IdParams = Type.Object({ id: RowId });

export const DateTime = Type.String({
  format: 'date-time',
  description: 'ISO 8601 with an offset, e.g. 2013-11-15T09:00:00+01:00',
});

/** A string from a fixed list, as one JSON Schema `enum` (one clear error) rather than an anyOf of constants. */
export function StringEnum<T extends string>(
  values: readonly T[],
  options: { description?: string; default?: T } = {},
) {
  return Type.Unsafe<T>({ type: 'string', enum: [...values], ...options });
}

/** A nullable value as a type list: with Ajv's coercion, an anyOf branch of type null would turn 0 or "" into null. */
export function Nullable<T>(schema: Record<string, unknown>) {
  return Type.Unsafe<T | null>({ ...schema, type: [schema.type as string, 'null'] });
}
