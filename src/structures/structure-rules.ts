import type { FieldError } from '../errors.js';
import { checkSingleLine, hasControlCharacters } from '../shared/text.js';
import { findCommune } from '../territory/territory.js';
import { normalizeStructureName } from './normalize.js';

/** The Luhn check a SIRET (14 digits) passes; La Poste's establishments (SIREN 356000000) sum to a multiple of 5. */
export function isValidSiret(siret: string): boolean {
  if (siret.length !== 14) return false;
  let sum = 0;
  for (let i = 0; i < 14; i++) {
    const code = siret.charCodeAt(i) - 48;
    if (code < 0 || code > 9) return false;
    // From the right, every second digit is doubled: with 14 digits, those at even positions from the left.
    const doubled = i % 2 === 0 ? code * 2 : code;
    sum += doubled > 9 ? doubled - 9 : doubled;
  }
  if (siret.startsWith('356000000')) {
    let digits = 0;
    for (let i = 0; i < 14; i++) digits += siret.charCodeAt(i) - 48;
    return digits % 5 === 0;
  }
  return sum % 10 === 0;
}

/** An http(s) address with a host, or null. */
function websiteProblem(url: string): string | null {
  if (url.length > 300) return 'too_long';
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return 'website_invalid';
    return parsed.hostname.includes('.') ? null : 'website_invalid';
  } catch {
    return 'website_invalid';
  }
}

export interface StructureInput {
  name: string;
  structureType: string | null;
  side: string | null;
  communeCode: string | null;
  siret: string | null;
  website: string | null;
  publicContact: string | null;
  missions: string | null;
  /** Validate the public card (true), withdraw the validation (false), leave it (undefined). */
  validated?: boolean;
}

const text = (raw: unknown, max: number) => (typeof raw === 'string' ? raw.trim().slice(0, max * 2) : '');
const orNull = (value: string) => (value === '' ? null : value);

/** A structure's card from a form or a JSON body: trimmed, empty values as null, spaces dropped from a SIRET. */
export function readStructureInput(raw: Record<string, unknown>): StructureInput {
  const validated = raw.validated;
  return {
    name: text(raw.name, 200),
    structureType: orNull(text(raw.structureType, 64)),
    side: orNull(text(raw.side, 64)),
    communeCode: orNull(text(raw.communeCode, 5)),
    siret: orNull(text(raw.siret, 14).replaceAll(' ', '')),
    website: orNull(text(raw.website, 300)),
    publicContact: orNull(text(raw.publicContact, 300)),
    missions: orNull(typeof raw.missions === 'string' ? raw.missions.trim().slice(0, 8000) : ''),
    validated: validated === undefined ? undefined : validated === true || validated === 'yes' || validated === 'true',
  };
}

/** The problems of a structure's card, field by field; types and sides are those known to the network's events. */
export function validateStructureInput(
  input: StructureInput,
  known: { types: Set<string>; sides: Set<string> },
): FieldError[] {
  const errors: FieldError[] = [];
  if (!input.name) errors.push({ field: 'name', code: 'required' });
  else if (input.name.length > 200) errors.push({ field: 'name', code: 'too_long', params: { max: 200 } });
  else if (checkSingleLine(errors, 'name', input.name) && !normalizeStructureName(input.name))
    errors.push({ field: 'name', code: 'structure_name_empty' });
  if (input.structureType && !known.types.has(input.structureType))
    errors.push({ field: 'structureType', code: 'structure_type_unknown' });
  if (input.side && !known.sides.has(input.side))
    errors.push({ field: 'side', code: 'side_unknown', params: { key: input.side } });
  if (input.communeCode && !findCommune(input.communeCode))
    errors.push({ field: 'communeCode', code: 'commune_unknown' });
  if (input.siret && !isValidSiret(input.siret)) errors.push({ field: 'siret', code: 'siret_invalid' });
  if (input.website) {
    const problem = websiteProblem(input.website);
    if (problem) errors.push({ field: 'website', code: problem, params: { max: 300 } });
  }
  if (input.publicContact) {
    if (input.publicContact.length > 300)
      errors.push({ field: 'publicContact', code: 'too_long', params: { max: 300 } });
    else checkSingleLine(errors, 'publicContact', input.publicContact);
  }
  if (input.missions) {
    if (input.missions.length > 4000) errors.push({ field: 'missions', code: 'too_long', params: { max: 4000 } });
    else if (hasControlCharacters(input.missions)) errors.push({ field: 'missions', code: 'control_characters' });
  }
  return errors;
}
