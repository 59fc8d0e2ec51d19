import { Type } from 'typebox';

/**
 * What a page's form posts (application/x-www-form-urlencoded): every value a string, or several
 * strings for a repeated name. The schema below is the page routes' body schema, so anything else
 * (a JSON object, a number) is a 400 before a handler runs.
 */
export type FormBody = Record<string, string | string[] | undefined>;

export const FormBodySchema = Type.Record(Type.String(), Type.Union([Type.String(), Type.Array(Type.String())]));

/** One posted value as trimmed text: the first of repeated values, '' when absent. */
export function formText(body: FormBody | undefined, key: string): string {
  const value: unknown = body?.[key];
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first.trim() : '';
}

/** A posted value kept as typed (multi-line text keeps its leading spaces and blank lines). */
export function formRawText(body: FormBody | undefined, key: string): string {
  const value: unknown = body?.[key];
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first : '';
}

/** Every posted value of a repeated name, trimmed, blanks left out. */
export function formList(body: FormBody | undefined, key: string): string[] {
  const value: unknown = body?.[key];
  return (Array.isArray(value) ? value : [value])
    .filter((v): v is string => typeof v === 'string')
    .map((v) => v.trim())
    .filter(Boolean);
}

/** A ticked checkbox (any non-blank value). */
export function formFlag(body: FormBody | undefined, key: string): boolean {
  return formText(body, key) !== '';
}
