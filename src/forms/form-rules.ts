import type { Event } from '../events/event.entity.js';
import type { FieldError } from '../errors.js';
import { type Translate, translator } from '../i18n/i18n.js';
import { FIELD_TYPES } from './fields/index.js';
import {
  BUILT_IN_KEYS,
  FIELD_TYPE_NAMES,
  type FieldCondition,
  type FieldOption,
  type FieldTypeName,
  type FormDefinition,
  type FormField,
  type FormKind,
  type FormSection,
  LIMITS,
  RESERVED_KEYS,
  customFields,
  fieldTypesOf,
  isFieldKey,
  keyFromLabel,
} from './form-definition.js';
import { resolveForm } from './resolve.js';
import { hasControlCharacters, hasLineBreak } from '../shared/text.js';

/** A definition as the API or the builder hands it over: keys may be missing (made from labels), nulls allowed. */
export interface DefinitionInput {
  builtIns?: Partial<Record<string, { label?: string | null; help?: string | null } | null>> | null;
  sections: SectionInput[];
}

export interface SectionInput {
  id?: string | null;
  title?: string | null;
  intro?: string | null;
  fields: FieldInput[];
}

export type FieldInput = {
  [K in keyof Omit<FormField, 'type' | 'key' | 'label' | 'options'>]?: FormField[K] | null;
} & {
  type: FieldTypeName;
  key?: string | null;
  label?: string | null;
  options?: { key?: string | null; label: string }[] | null;
};

const trim = (value: unknown) => (typeof value === 'string' ? value.normalize('NFC').trim() : '');
const num = (value: unknown) => (typeof value === 'number' ? value : undefined);

/**
 * Tidies a definition: strings trimmed, missing keys made from labels (never a key in `retired`, whose
 * answers may still exist), settings the type does not use dropped. It does not judge: see `checkDefinition`.
 */
export function normaliseDefinition(input: DefinitionInput, retired: Iterable<string> = []): FormDefinition {
  const taken = new Set<string>(retired);
  for (const section of input.sections)
    for (const field of section.fields) if (trim(field.key)) taken.add(trim(field.key));
  const sectionIds = new Set(input.sections.map((s) => trim(s.id)).filter(Boolean));
  let nextSection = 1;
  const sections: FormSection[] = input.sections.map((section) => {
    let id = trim(section.id);
    if (!id) {
      while (sectionIds.has(`section-${nextSection}`)) nextSection++;
      id = `section-${nextSection}`;
      sectionIds.add(id);
    }
    return {
      id,
      title: trim(section.title),
      intro: trim(section.intro),
      fields: section.fields.map((field) => normaliseField(field, taken)),
    };
  });
  const builtIns: FormDefinition['builtIns'] = {};
  for (const key of BUILT_IN_KEYS) {
    const override = input.builtIns?.[key];
    const label = trim(override?.label);
    const help = trim(override?.help);
    if (label || help) builtIns[key] = { ...(label ? { label } : {}), ...(help ? { help } : {}) };
  }
  return { builtIns, sections };
}

function normaliseField(input: FieldInput, taken: Set<string>): FormField {
  const type = FIELD_TYPES[input.type];
  const label = trim(input.label);
  let key = trim(input.key);
  if (!key) {
    key = keyFromLabel(label || (input.type === 'info' ? 'information' : ''), taken);
    taken.add(key);
  }
  const field: FormField = { key, type: input.type, label };
  const help = trim(input.help);
  if (help) field.help = help;
  if (!type) return field;
  const settings = new Set(type.settings);
  if (settings.has('required'))
    field.required = typeof input.required === 'boolean' ? input.required : (type.defaults?.required ?? false);
  if (settings.has('placeholder') && trim(input.placeholder)) field.placeholder = trim(input.placeholder);
  if (settings.has('length')) {
    if (num(input.minLength) !== undefined) field.minLength = input.minLength as number;
    if (num(input.maxLength) !== undefined) field.maxLength = input.maxLength as number;
  }
  if (settings.has('range')) {
    if (num(input.min) !== undefined) field.min = input.min as number;
    if (num(input.max) !== undefined) field.max = input.max as number;
  }
  if (settings.has('selections')) {
    if (num(input.minSelections) !== undefined) field.minSelections = input.minSelections as number;
    if (num(input.maxSelections) !== undefined) field.maxSelections = input.maxSelections as number;
  }
  if (settings.has('options')) field.options = normaliseOptions(input.options ?? []);
  if (settings.has('display')) field.display = input.display ?? type.defaults?.display ?? 'radio';
  if (settings.has('text')) field.text = trim(input.text);
  if (settings.has('ranks')) field.ranks = num(input.ranks) ?? type.defaults?.ranks ?? 1;
  const condition = input.condition;
  if (condition && trim(condition.field))
    field.condition = {
      field: trim(condition.field),
      values: [...new Set((condition.values ?? []).map(trim).filter(Boolean))],
    };
  return field;
}

function normaliseOptions(options: { key?: string | null; label: string }[]): FieldOption[] {
  const taken = new Set(options.map((o) => trim(o.key)).filter(Boolean));
  return options.map((option) => {
    const label = trim(option.label);
    let key = trim(option.key);
    if (!key) {
      key = keyFromLabel(label, taken, 'option');
      taken.add(key);
    }
    return { key, label };
  });
}

function checkText(
  errors: FieldError[],
  field: string,
  value: string | undefined,
  max: number,
  required = false,
  params: Record<string, string> = {},
) {
  if (required && !value) errors.push({ field, code: 'required', params });
  else if (value && value.length > max) errors.push({ field, code: 'too_long', params: { ...params, max } });
  else if (value && hasControlCharacters(value)) errors.push({ field, code: 'control_characters', params });
}

/** A label is one line: a line break (or a control character) in it is refused. */
function checkLabel(
  errors: FieldError[],
  field: string,
  value: string | undefined,
  max: number,
  required = false,
  params: Record<string, string> = {},
) {
  const before = errors.length;
  checkText(errors, field, value, max, required, params);
  if (errors.length === before && value && hasLineBreak(value)) errors.push({ field, code: 'line_break', params });
}

export interface CheckOptions {
  /** The saved definition: a field's type cannot change under its key (stored answers would be misread). */
  previous?: FormDefinition;
  t?: Translate;
  /** A survey takes no built-in labels and only the survey's field types. */
  kind?: FormKind;
}

/**
 * Every rule a definition must meet, from the builder pages or the API. Errors name the place
 * (`sections.0.fields.2.condition`) and, in their params, the field's label.
 */
export function checkDefinition(definition: FormDefinition, event: Event, options: CheckOptions = {}): FieldError[] {
  const t = options.t ?? translator('fr');
  const errors: FieldError[] = [];
  if (definition.sections.length > LIMITS.sections)
    errors.push({ field: 'sections', code: 'too_many', params: { max: LIMITS.sections } });
  if (customFields(definition).length > LIMITS.fields)
    errors.push({ field: 'sections', code: 'too_many_fields', params: { max: LIMITS.fields } });
  const kind = options.kind ?? 'registration';
  if (kind === 'survey' && Object.keys(definition.builtIns).length)
    errors.push({ field: 'builtIns', code: 'not_in_survey' });
  for (const key of BUILT_IN_KEYS) {
    checkLabel(errors, `builtIns.${key}.label`, definition.builtIns[key]?.label, LIMITS.label);
    checkText(errors, `builtIns.${key}.help`, definition.builtIns[key]?.help, LIMITS.help);
  }
  const previousTypes = new Map(options.previous ? customFields(options.previous).map((f) => [f.key, f.type]) : []);
  const resolved = resolveForm(definition, event, t, kind);
  const position = new Map(resolved.fields.map((f, i) => [f.key, i]));
  const seenSections = new Set<string>();
  const seenKeys = new Set<string>();
  let groupPreferences = 0;
  let sideQuestions = 0;
  definition.sections.forEach((section, s) => {
    const at = `sections.${s}`;
    if (!/^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(section.id) || section.id.length > LIMITS.key || section.id === 'new')
      errors.push({ field: `${at}.id`, code: 'key_format' });
    else if (seenSections.has(section.id))
      errors.push({ field: `${at}.id`, code: 'duplicate_section', params: { key: section.id } });
    seenSections.add(section.id);
    checkLabel(errors, `${at}.title`, section.title, LIMITS.label);
    checkText(errors, `${at}.intro`, section.intro, LIMITS.intro);
    section.fields.forEach((field, f) => {
      const path = `${at}.fields.${f}`;
      const name = { field: field.label || field.key, fieldKey: field.key };
      const type = FIELD_TYPES[field.type];
      if (!type || !(FIELD_TYPE_NAMES as readonly string[]).includes(field.type)) {
        errors.push({ field: `${path}.type`, code: 'field_type', params: name });
        return;
      }
      if (!fieldTypesOf(kind).includes(field.type))
        errors.push({ field: `${path}.type`, code: 'not_in_survey', params: name });
      if (!isFieldKey(field.key)) errors.push({ field: `${path}.key`, code: 'key_format', params: name });
      else if (RESERVED_KEYS.has(field.key))
        errors.push({ field: `${path}.key`, code: 'reserved_key', params: { key: field.key } });
      else if (seenKeys.has(field.key))
        errors.push({ field: `${path}.key`, code: 'duplicate_field_key', params: { key: field.key } });
      seenKeys.add(field.key);
      const before = previousTypes.get(field.key);
      if (before && before !== field.type) errors.push({ field: `${path}.type`, code: 'type_changed', params: name });
      checkLabel(errors, `${path}.label`, field.label, LIMITS.label, field.type !== 'info', name);
      checkText(errors, `${path}.help`, field.help, LIMITS.help, false, name);
      checkLabel(errors, `${path}.placeholder`, field.placeholder, LIMITS.placeholder, false, name);
      checkText(errors, `${path}.text`, field.text, LIMITS.text, false, name);
      if ((field.options?.length ?? 0) > LIMITS.options)
        errors.push({ field: `${path}.options`, code: 'too_many_options', params: { max: LIMITS.options } });
      for (const problem of type.check?.(field) ?? [])
        errors.push({
          field: problem.part ? `${path}.${problem.part}` : path,
          code: problem.code,
          params: { ...name, ...problem.params },
        });
      if (field.type === 'group_preference' && ++groupPreferences > 1)
        errors.push({ field: `${path}.type`, code: 'group_preference_twice', params: name });
      if (field.type === 'side' && ++sideQuestions > 1)
        errors.push({ field: `${path}.type`, code: 'side_question_twice', params: name });
      if (field.condition)
        errors.push(...checkCondition(field, field.condition, `${path}.condition`, resolved.byKey, position, t));
    });
  });
  return errors;
}

function checkCondition(
  field: FormField,
  condition: FieldCondition,
  path: string,
  byKey: ReturnType<typeof resolveForm>['byKey'],
  position: Map<string, number>,
  t: Translate,
): FieldError[] {
  const name = field.label || field.key;
  if (condition.field === field.key)
    return [{ field: path, code: 'condition_self', params: { field: name, fieldKey: field.key } }];
  const trigger = byKey.get(condition.field);
  if (!trigger)
    return [
      {
        field: path,
        code: 'condition_unknown_field',
        params: { field: name, fieldKey: field.key, key: condition.field },
      },
    ];
  const params = { field: name, fieldKey: field.key, trigger: trigger.label || trigger.key };
  if ((position.get(trigger.key) ?? 0) >= (position.get(field.key) ?? 0))
    return [{ field: path, code: 'condition_later_field', params }];
  const type = FIELD_TYPES[trigger.type];
  if (!type.conditionOptions) return [{ field: path, code: 'condition_not_choice', params }];
  if (condition.values.length === 0) return [{ field: path, code: 'condition_values_empty', params }];
  const known = new Set(type.conditionOptions(trigger, t).map((o) => o.key));
  const unknown = condition.values.find((v) => !known.has(v));
  return unknown === undefined ? [] : [{ field: path, code: 'condition_value', params: { ...params, value: unknown } }];
}
