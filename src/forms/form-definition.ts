import { KEY_PATTERN, slugify } from '../events/structure-types.js';

/**
 * An event's registration form, as organisers design it and the API reads and writes it (JSON).
 * The built-in fields are always there (only their label and help can change); custom fields live
 * in sections. Order matters: a condition may only look at a field placed before its own.
 */
export interface FormDefinition {
  builtIns: Partial<Record<BuiltInKey, BuiltInOverride>>;
  sections: FormSection[];
}

export interface BuiltInOverride {
  /** Empty: the service's own (translated) label. */
  label?: string;
  help?: string;
}

export interface FormSection {
  /** Stable id for the builder's addresses. */
  id: string;
  title: string;
  intro: string;
  fields: FormField[];
}

export const FIELD_TYPE_NAMES = [
  'text',
  'textarea',
  'email',
  'phone',
  'number',
  'date',
  'choice',
  'multiple',
  'yesno',
  'consent',
  'info',
  'group_preference',
  'side',
] as const;
export type FieldTypeName = (typeof FIELD_TYPE_NAMES)[number];

/**
 * The builder designs two forms per event: the registration form, and the satisfaction survey sent
 * after the event (src/surveys). A survey has no built-in fields (the person is known by their link,
 * or deliberately not at all) and asks opinions, not personal data: no email, phone, consent or group
 * preference questions.
 */
export type FormKind = 'registration' | 'survey';
export const SURVEY_FIELD_TYPES: readonly FieldTypeName[] = [
  'text',
  'textarea',
  'number',
  'date',
  'choice',
  'multiple',
  'yesno',
  'info',
];

export function fieldTypesOf(kind: FormKind): readonly FieldTypeName[] {
  return kind === 'survey' ? SURVEY_FIELD_TYPES : FIELD_TYPE_NAMES;
}

export interface FieldOption {
  /** Stable: renaming an option keeps its key, so stored answers keep their meaning. */
  key: string;
  label: string;
}

/** Show the field only when the (earlier) field `field` has one of `values` (option keys; "yes"/"no" for yes/no). */
export interface FieldCondition {
  field: string;
  values: string[];
}

/** One question. Only the settings its type uses are kept (see each type's `settings`). */
export interface FormField {
  key: string;
  type: FieldTypeName;
  label: string;
  help?: string;
  required?: boolean;
  placeholder?: string;
  minLength?: number;
  maxLength?: number;
  min?: number;
  max?: number;
  minSelections?: number;
  maxSelections?: number;
  options?: FieldOption[];
  display?: 'radio' | 'select';
  /** Information text's content. */
  text?: string;
  /** Group preference: how many ranked choices are asked. */
  ranks?: number;
  condition?: FieldCondition;
}

export const BUILT_IN_KEYS = ['firstName', 'lastName', 'email', 'organisation', 'structureType', 'consent'] as const;
export type BuiltInKey = (typeof BUILT_IN_KEYS)[number];

export type AnswerValue = string | number | boolean | string[] | number[];

/**
 * An answer as stored in `Registration.answers[key]`: the value and what the attendee saw when
 * answering (the label, the chosen options' labels), so later edits of the form never change it.
 */
export interface StoredAnswer {
  label: string;
  type: FieldTypeName;
  value: AnswerValue;
  /** Labels of the chosen options at the time, by option key (choices, groups). */
  options?: Record<string, string>;
}

export const LIMITS = {
  sections: 50,
  fields: 200,
  options: 100,
  key: 64,
  label: 200,
  help: 2000,
  intro: 5000,
  text: 5000,
  placeholder: 200,
  ranks: 10,
} as const;

/** Keys a custom field may not take: the built-in ones (as posted) and the page's own parameters. */
export const RESERVED_KEYS = new Set([
  'firstname',
  'lastname',
  'email',
  'organisation',
  'structuretype',
  'consent',
  'csrf',
  'lang',
  'locale',
  'answers',
  'status',
  'new',
]);

export function emptyDefinition(): FormDefinition {
  return { builtIns: {}, sections: [] };
}

export function isBuiltInKey(key: string): key is BuiltInKey {
  return (BUILT_IN_KEYS as readonly string[]).includes(key);
}

export function isFieldKey(key: string): boolean {
  return KEY_PATTERN.test(key) && key.length <= LIMITS.key;
}

export function customFields(definition: FormDefinition): FormField[] {
  return definition.sections.flatMap((section) => section.fields);
}

/** A key made from a label, unique among `taken`: "Allergies ou régime" → "allergies-ou-regime". */
export function keyFromLabel(label: string, taken: Set<string>, fallback = 'champ'): string {
  const base = slugify(label, 48) || fallback;
  const start = RESERVED_KEYS.has(base) ? `${base}-2` : base;
  if (!taken.has(start)) return start;
  for (let n = 2; ; n++) {
    const candidate = `${base}-${n}`;
    if (!taken.has(candidate) && !RESERVED_KEYS.has(candidate)) return candidate;
  }
}
