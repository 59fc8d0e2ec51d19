/** A problem with one input field; `code` is a locale key under `errors.`, `params` fill it in. */
export interface FieldError {
  field: string;
  code: string;
  params?: Record<string, string | number>;
}

/** A domain error with the HTTP status it maps to. Pages show it translated, the API as JSON. */
export class AppError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    readonly details: FieldError[] = [],
    readonly params: Record<string, string | number> = {},
  ) {
    super(code);
  }
}

export class ValidationError extends AppError {
  constructor(details: FieldError[]) {
    super(400, 'validation_failed', details);
  }
}

export const notFound = () => new AppError(404, 'not_found');
export const forbidden = () => new AppError(403, 'forbidden');
