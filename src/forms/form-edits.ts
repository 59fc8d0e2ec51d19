import { AppError, notFound } from '../errors.js';
import type { DefinitionInput, FieldInput } from './form-rules.js';
import type { BuiltInKey, FormDefinition, FormField, FormSection } from './form-definition.js';

/**
 * The builder's changes, as pure functions from one definition to the next. The service checks the
 * result as a whole and saves it only if it is sound, so a change that breaks a rule leaves the
 * saved form untouched.
 */

export type Direction = 'up' | 'down';

function copy(definition: FormDefinition): FormDefinition {
  return structuredClone(definition);
}

function locate(definition: FormDefinition, key: string): { section: number; index: number } {
  for (let s = 0; s < definition.sections.length; s++) {
    const index = definition.sections[s].fields.findIndex((f) => f.key === key);
    if (index >= 0) return { section: s, index };
  }
  throw notFound();
}

export function findField(definition: FormDefinition, key: string): FormField {
  const { section, index } = locate(definition, key);
  return definition.sections[section].fields[index];
}

export function findSection(definition: FormDefinition, id: string): FormSection {
  const section = definition.sections.find((s) => s.id === id);
  if (!section) throw notFound();
  return section;
}

export function addSection(definition: FormDefinition, input: { title: string; intro: string }): DefinitionInput {
  const next = copy(definition);
  next.sections.push({ id: '', title: input.title, intro: input.intro, fields: [] });
  return next;
}

export function updateSection(
  definition: FormDefinition,
  id: string,
  input: { title: string; intro: string },
): DefinitionInput {
  const next = copy(definition);
  Object.assign(findSection(next, id), { title: input.title, intro: input.intro });
  return next;
}

function swap<T>(list: T[], i: number, j: number) {
  [list[i], list[j]] = [list[j], list[i]];
}

export function moveSection(definition: FormDefinition, id: string, direction: Direction): DefinitionInput {
  const next = copy(definition);
  const index = next.sections.findIndex((s) => s.id === id);
  if (index < 0) throw notFound();
  const target = direction === 'up' ? index - 1 : index + 1;
  if (target >= 0 && target < next.sections.length) swap(next.sections, index, target);
  return next;
}

/** A section is removed once empty: its questions are moved or removed first, on purpose. */
export function removeSection(definition: FormDefinition, id: string): DefinitionInput {
  const section = findSection(definition, id);
  if (section.fields.length)
    throw new AppError('section_not_empty', [
      { field: 'section', code: 'section_not_empty', params: { count: section.fields.length } },
    ]);
  const next = copy(definition);
  next.sections = next.sections.filter((s) => s.id !== id);
  return next;
}

/** Adds a field at the end of a section; without a section id, at the end of the last one (made if there is none). */
export function addField(definition: FormDefinition, sectionId: string | null, field: FieldInput): DefinitionInput {
  const next = copy(definition);
  let section = sectionId ? findSection(next, sectionId) : next.sections.at(-1);
  if (!section) {
    section = { id: '', title: '', intro: '', fields: [] };
    next.sections.push(section);
  }
  (section.fields as FieldInput[]).push({ ...field, key: null });
  return next;
}

/** Replaces a field's settings; its key and type stay (answers are stored under the key). */
export function updateField(definition: FormDefinition, key: string, field: FieldInput): DefinitionInput {
  const next = copy(definition);
  const { section, index } = locate(next, key);
  const current = next.sections[section].fields[index];
  (next.sections[section].fields as FieldInput[])[index] = { ...field, key: current.key, type: current.type };
  return next;
}

/** Moves a field one place; past the edge of its section, into the next section (or the previous one). */
export function moveField(definition: FormDefinition, key: string, direction: Direction): DefinitionInput {
  const next = copy(definition);
  const { section, index } = locate(next, key);
  const fields = next.sections[section].fields;
  if (direction === 'up') {
    if (index > 0) swap(fields, index, index - 1);
    else if (section > 0) next.sections[section - 1].fields.push(...fields.splice(index, 1));
  } else if (index < fields.length - 1) swap(fields, index, index + 1);
  else if (section < next.sections.length - 1) next.sections[section + 1].fields.unshift(...fields.splice(index, 1));
  return next;
}

export function removeField(definition: FormDefinition, key: string): DefinitionInput {
  const next = copy(definition);
  const { section, index } = locate(next, key);
  next.sections[section].fields.splice(index, 1);
  return next;
}

export function updateBuiltIn(
  definition: FormDefinition,
  key: BuiltInKey,
  input: { label: string; help: string },
): DefinitionInput {
  const next = copy(definition);
  next.builtIns[key] = { label: input.label, help: input.help };
  return next;
}
