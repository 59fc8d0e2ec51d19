import type { Event } from '../events/event.entity.js';
import { AppError, type FieldError, ValidationError } from '../errors.js';
import { answersToStore, checkSubmission } from './answers.js';
import { type FormDefinition, type StoredAnswer, customFields, isBuiltInKey } from './form-definition.js';
import { type ResolveOptions, resolveForm } from './resolve.js';

/** The built-in answers, kept in the registration's own columns. */
export interface RegistrationAnswers {
  firstName: string;
  lastName: string;
  /** Empty when left blank on an organiser's page (see ResolveOptions.emailOptional). */
  email: string;
  organisation: string;
  structureType: string;
  consent: boolean;
}

/**
 * Validates a submission from the public form, the attendee's edit page or the API against the
 * event's form: the built-in fields and the organiser's ones go through the same field types and
 * conditions. Every problem is reported, field by field. The event's sessions must be loaded.
 */
export function validateRegistration(
  form: FormDefinition,
  event: Event,
  raw: Record<string, unknown>,
  options: ResolveOptions = {},
): { value: RegistrationAnswers; answers: Record<string, StoredAnswer>; errors: FieldError[] } {
  const resolved = resolveForm(form, event, undefined, 'registration', options);
  const { values, errors } = checkSubmission(resolved, raw);
  const text = (key: string) => String(values.get(key) ?? '');
  const value: RegistrationAnswers = {
    firstName: text('firstName'),
    lastName: text('lastName'),
    email: text('email'),
    organisation: text('organisation'),
    structureType: text('structureType'),
    consent: values.get('consent') === true,
  };
  return { value, answers: answersToStore(resolved, values), errors };
}

/**
 * An API registration: the built-in fields at the top level, the other answers under `answers`
 * keyed by field key. Keys the form does not have are refused (a typo would otherwise be lost).
 */
export function apiSubmission(
  form: FormDefinition,
  builtIns: Record<string, unknown>,
  answers: Record<string, unknown> = {},
): Record<string, unknown> {
  const known = new Set(customFields(form).map((f) => f.key));
  const unknown = Object.keys(answers).filter((key) => !known.has(key));
  if (unknown.length)
    throw new ValidationError(
      unknown.map((key) => ({ field: `answers.${key}`, code: 'unknown_field', params: { key } })),
    );
  // Null prototype: a question keyed `constructor` (or any key) is only ever an own answer.
  const submission: Record<string, unknown> = Object.create(null);
  for (const [key, value] of Object.entries(answers)) submission[key] = value;
  return Object.assign(submission, builtIns);
}

/** API errors name the custom answers as the body does: `answers.<key>`. */
export function apiErrorFields(error: unknown): unknown {
  if (!(error instanceof AppError)) return error;
  const details = error.details.map((d) =>
    isBuiltInKey(d.field.split('.')[0]) ? d : { ...d, field: `answers.${d.field}` },
  );
  return error instanceof ValidationError
    ? new ValidationError(details)
    : new AppError(error.code, details, error.params);
}
