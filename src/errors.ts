/** A problem with one input field; `code` is a locale key under `errors.`, `params` fill it in. */
export interface FieldError {
  field: string;
  code: string;
  params?: Record<string, string | number>;
}

/**
 * The error catalogue: every code an `AppError` may carry, with the HTTP status it maps to. The
 * message of each is `errors.<code>` in locales/fr.json and en.json (test/errors.test.ts checks).
 */
export const ERROR_STATUS = {
  bad_request: 400,
  control_characters: 400,
  malformed_body: 400,
  validation_failed: 400,
  form_expired: 400,
  copy_same_event: 400,
  group_unknown: 400,
  group_other_event: 400,
  group_not_breakout: 400,
  group_swap_same: 400,
  selection_empty: 400,
  form_too_fast: 400,
  unauthorised: 401,
  forbidden: 403,
  cross_site_form: 403,
  registration_by_invitation: 403,
  not_found: 404,
  organiser_not_found: 404,
  slug_taken: 409,
  form_changed: 409,
  section_not_empty: 409,
  side_in_use: 409,
  already_registered: 409,
  already_registered_check_in: 409,
  check_in_not_confirmed: 409,
  answers_locked: 409,
  registration_not_yet_open: 409,
  registration_closed: 409,
  registration_not_published: 409,
  group_not_confirmed: 409,
  group_full: 409,
  over_capacity: 409,
  survey_empty: 409,
  survey_too_early: 409,
  survey_already_sent: 409,
  survey_answered: 409,
  registration_cancelled: 410,
  registration_waitlisted: 409,
  attendance_not_confirmed: 409,
  attendance_locked: 409,
  invitation_revoked: 410,
  idempotency_key_reused: 422,
  rate_limited: 429,
} as const satisfies Record<string, number>;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** A domain error, its HTTP status taken from the catalogue. Pages show it translated, the API as JSON. */
export class AppError extends Error {
  readonly statusCode: number;
  constructor(
    readonly code: ErrorCode,
    readonly details: FieldError[] = [],
    readonly params: Record<string, string | number> = {},
  ) {
    super(code);
    this.statusCode = ERROR_STATUS[code];
  }
}

export class ValidationError extends AppError {
  constructor(details: FieldError[]) {
    super('validation_failed', details);
  }
}

export const notFound = () => new AppError('not_found');
export const forbidden = () => new AppError('forbidden');
