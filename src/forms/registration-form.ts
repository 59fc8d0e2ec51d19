import type { StructureType } from '../events/event.entity.js';
import type { FieldError } from '../errors.js';
import { isEmail } from '../organisers/organiser.service.js';

/** The built-in questions every registration form has, in order. */
export const BUILT_IN_FIELDS = [
  { key: 'firstName', type: 'text', max: 100, autocomplete: 'given-name' },
  { key: 'lastName', type: 'text', max: 100, autocomplete: 'family-name' },
  { key: 'email', type: 'email', max: 254, autocomplete: 'email' },
  { key: 'organisation', type: 'text', max: 200, autocomplete: 'organization' },
  { key: 'structureType', type: 'choice' },
  { key: 'consent', type: 'consent' },
] as const;

export interface RegistrationAnswers {
  firstName: string;
  lastName: string;
  email: string;
  organisation: string;
  structureType: string;
  consent: boolean;
}

// Control characters other than tab and newlines have no place in a name or an answer.
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

function text(raw: unknown): string {
  if (Array.isArray(raw)) raw = raw[0];
  return typeof raw === 'string' ? raw.normalize('NFC').trim() : typeof raw === 'number' ? String(raw) : '';
}

function truthy(raw: unknown): boolean {
  return raw === true || raw === 'true' || raw === 'on' || raw === 'yes' || raw === '1';
}

/** Validates a submission from the public form or the API; every problem is reported, field by field. */
export function validateRegistration(raw: Record<string, unknown>, structureTypes: StructureType[]): { value: RegistrationAnswers; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const value: RegistrationAnswers = {
    firstName: text(raw.firstName),
    lastName: text(raw.lastName),
    email: text(raw.email),
    organisation: text(raw.organisation),
    structureType: text(raw.structureType),
    consent: truthy(raw.consent),
  };
  for (const field of BUILT_IN_FIELDS) {
    if (field.type === 'consent') {
      if (!value.consent) errors.push({ field: field.key, code: 'consent_required' });
      continue;
    }
    const current = value[field.key];
    if (!current) errors.push({ field: field.key, code: field.type === 'choice' ? 'choose_one' : 'required' });
    else if (CONTROL_CHARACTERS.test(current)) errors.push({ field: field.key, code: 'control_characters' });
    else if ('max' in field && current.length > field.max) errors.push({ field: field.key, code: 'too_long', params: { max: field.max } });
    else if (field.type === 'email' && !isEmail(current)) errors.push({ field: field.key, code: 'email' });
    else if (field.type === 'choice' && !structureTypes.some((t) => t.key === current)) errors.push({ field: field.key, code: 'choice' });
  }
  return { value, errors };
}
