import type { FieldError } from '../errors.js';
import { checkSingleLine } from '../shared/text.js';
import type { StructureType } from './event.entity.js';

/** The network's usual structure types, in French; organisers rename, reorder and extend them per event. */
export const DEFAULT_STRUCTURE_TYPES: StructureType[] = [
  { key: 'travailleur-social', label: 'Travailleur social' },
  { key: 'association', label: 'Association' },
  { key: 'bailleur-social', label: 'Bailleur social' },
  { key: 'collectivite', label: 'Collectivité' },
  { key: 'fournisseur-energie', label: "Fournisseur d'énergie" },
  { key: 'institution', label: 'Institution' },
  { key: 'autre', label: 'Autre' },
];

export const KEY_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** "Fournisseur d'énergie" → "fournisseur-d-energie". */
export function slugify(text: string, maxLength = 64): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, maxLength)
    .replace(/-+$/, '');
}

export function validateStructureTypes(types: StructureType[], field = 'structureTypes'): FieldError[] {
  const errors: FieldError[] = [];
  if (types.length === 0) errors.push({ field, code: 'structure_types_empty' });
  const seen = new Set<string>();
  types.forEach((type, index) => {
    if (!KEY_PATTERN.test(type.key) || type.key.length > 64)
      errors.push({ field: `${field}.${index}.key`, code: 'key_format' });
    if (seen.has(type.key))
      errors.push({ field: `${field}.${index}.key`, code: 'duplicate_key', params: { key: type.key } });
    seen.add(type.key);
    const label = type.label.trim();
    if (!label) errors.push({ field: `${field}.${index}.label`, code: 'required' });
    else checkSingleLine(errors, `${field}.${index}.label`, label);
    if (label.length > 100) errors.push({ field: `${field}.${index}.label`, code: 'too_long', params: { max: 100 } });
  });
  return errors;
}

export function structureTypeLabel(types: StructureType[], key: string): string {
  return types.find((type) => type.key === key)?.label ?? key;
}
