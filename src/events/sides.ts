import type { FieldError } from '../errors.js';
import { checkSingleLine } from '../shared/text.js';
import type { Event, Side, StructureType } from './event.entity.js';
import { KEY_PATTERN } from './structure-types.js';

/**
 * The sides (volets) of the network's work: every structure type belongs to one, and the breakout groups mix
 * them (src/groups/assignment). A person's side is their type's, unless set on their registration.
 */
export const DEFAULT_SIDES: Side[] = [
  { key: 'social', label: 'Social' },
  { key: 'economique', label: 'Économique' },
  { key: 'technique', label: 'Technique' },
];

/**
 * Default side of the default structure types. "Institution" and "Autre" are economic so that, with the 2013
 * figures of the demo, every group of four gets someone of each side; organisers change them per event.
 */
export const DEFAULT_TYPE_SIDES: Record<string, string> = {
  'travailleur-social': 'social',
  'bailleur-social': 'social',
  collectivite: 'social',
  'fournisseur-energie': 'economique',
  institution: 'economique',
  autre: 'economique',
  association: 'technique',
};

/** The event's sides; events made before sides existed have the defaults. */
export function sidesOf(event: Pick<Event, 'sides'>): Side[] {
  return event.sides && event.sides.length > 0 ? event.sides : DEFAULT_SIDES.map((s) => ({ ...s }));
}

/** The type's side: its own if it is one of the event's, else its default, else the event's first side. */
export function typeSide(sides: Side[], types: StructureType[], typeKey: string): string {
  const known = (key: string | undefined) => key !== undefined && sides.some((s) => s.key === key);
  const own = types.find((t) => t.key === typeKey)?.side;
  if (known(own)) return own as string;
  const fallback = DEFAULT_TYPE_SIDES[typeKey];
  return known(fallback) ? fallback : (sides[0]?.key ?? '');
}

/** A registration's side: its own when set to one of the event's sides, else its type's. */
export function personSide(
  event: Pick<Event, 'sides' | 'structureTypes'>,
  person: { structureType: string; side?: string | null },
): string {
  const sides = sidesOf(event);
  if (person.side && sides.some((s) => s.key === person.side)) return person.side;
  return typeSide(sides, event.structureTypes, person.structureType);
}

/** Every structure type with its side made explicit (for the API and the pages). */
export function typesWithSides(event: Pick<Event, 'sides' | 'structureTypes'>): Required<StructureType>[] {
  const sides = sidesOf(event);
  return event.structureTypes.map((t) => ({
    key: t.key,
    label: t.label,
    side: typeSide(sides, event.structureTypes, t.key),
  }));
}

export function sideLabel(sides: Side[], key: string): string {
  return sides.find((s) => s.key === key)?.label ?? key;
}

export function validateSides(sides: Side[], field = 'sides'): FieldError[] {
  const errors: FieldError[] = [];
  if (sides.length === 0) errors.push({ field, code: 'sides_empty' });
  if (sides.length > 20) errors.push({ field, code: 'sides_too_many', params: { max: 20 } });
  const seen = new Set<string>();
  sides.forEach((side, index) => {
    if (!KEY_PATTERN.test(side.key) || side.key.length > 64)
      errors.push({ field: `${field}.${index}.key`, code: 'key_format' });
    if (seen.has(side.key))
      errors.push({ field: `${field}.${index}.key`, code: 'duplicate_key', params: { key: side.key } });
    seen.add(side.key);
    const label = side.label.trim();
    if (!label) errors.push({ field: `${field}.${index}.label`, code: 'required' });
    else checkSingleLine(errors, `${field}.${index}.label`, label);
    if (label.length > 100) errors.push({ field: `${field}.${index}.label`, code: 'too_long', params: { max: 100 } });
  });
  return errors;
}

/** A type's side must be one of the sides (missing: its default). */
export function validateTypeSides(types: StructureType[], sides: Side[], field = 'structureTypes'): FieldError[] {
  const keys = new Set(sides.map((s) => s.key));
  return types.flatMap((type, index) =>
    type.side !== undefined && !keys.has(type.side)
      ? [{ field: `${field}.${index}.side`, code: 'side_unknown', params: { key: type.side } }]
      : [],
  );
}
