import type { Event } from '../events/event.entity.js';
import { breakouts } from '../events/event-rules.js';
import { sidesOf } from '../events/sides.js';
import { type Translate, translator } from '../i18n/i18n.js';
import { type BuiltInKey, type FormDefinition, type FormKind, customFields } from './form-definition.js';
import type { ResolvedField } from './fields/field-type.js';

export interface ResolvedSection {
  /** The custom section's id; null for the built-in parts. */
  id: string | null;
  title: string;
  intro: string;
  fields: ResolvedField[];
}

/** A definition applied to its event: every field in the order of the page, options filled in. */
export interface ResolvedForm {
  definition: FormDefinition;
  sections: ResolvedSection[];
  fields: ResolvedField[];
  byKey: Map<string, ResolvedField>;
}

/** How a form is applied: the organiser's own pages ask less than the public one. */
export interface ResolveOptions {
  /** The email may be left blank (an organiser adding or correcting a registration by hand: phone, paper). */
  emailOptional?: boolean;
}

function builtInFields(
  definition: FormDefinition,
  event: Event,
  t: Translate,
  options: ResolveOptions,
): Record<BuiltInKey, ResolvedField> {
  const label = (key: BuiltInKey, fallback: string) => definition.builtIns[key]?.label || fallback;
  const help = (key: BuiltInKey, fallback = '') => definition.builtIns[key]?.help || fallback;
  const text = (
    key: 'firstName' | 'lastName' | 'organisation',
    maxLength: number,
    autocomplete: string,
  ): ResolvedField => ({
    key,
    type: 'text',
    label: label(key, t(`fields.${key}`)),
    help: help(key),
    required: true,
    maxLength,
    autocomplete,
    builtIn: true,
  });
  return {
    firstName: text('firstName', 100, 'given-name'),
    lastName: text('lastName', 100, 'family-name'),
    email: {
      key: 'email',
      type: 'email',
      label: label('email', t('fields.email')),
      help: options.emailOptional ? t('registrationAdmin.emailOptional') : help('email', t('register.emailHelp')),
      required: !options.emailOptional,
      maxLength: 254,
      autocomplete: 'email',
      builtIn: true,
    },
    organisation: text('organisation', 200, 'organization'),
    structureType: {
      key: 'structureType',
      type: 'choice',
      display: 'radio',
      label: label('structureType', t('fields.structureType')),
      help: help('structureType', t('register.structureTypeHelp')),
      required: true,
      options: event.structureTypes.map((s) => ({ key: s.key, label: s.label })),
      builtIn: true,
    },
    consent: {
      key: 'consent',
      type: 'consent',
      label: label('consent', t('fields.consent')),
      help: help('consent', t('register.privacy')),
      required: true,
      builtIn: true,
    },
  };
}

/**
 * The page order: about you (names, email, organisation), the structure type, the organiser's
 * sections, then the personal-data consent just before the button. The event's sessions must be loaded.
 */
export function resolveForm(
  definition: FormDefinition,
  event: Event,
  t: Translate = translator('fr'),
  kind: FormKind = 'registration',
  options: ResolveOptions = {},
): ResolvedForm {
  const groups = breakouts(event).map((s) => ({ key: String(s.id), label: s.title }));
  const sides = sidesOf(event).map((s) => ({ key: s.key, label: s.label }));
  const custom = definition.sections.map((section) => ({
    id: section.id,
    title: section.title,
    intro: section.intro,
    fields: section.fields.map(
      (field): ResolvedField => ({
        ...field,
        ...(field.type === 'group_preference' ? { options: groups } : {}),
        ...(field.type === 'side' ? { options: sides } : {}),
        builtIn: false,
      }),
    ),
  }));
  // A survey is the organiser's questions only: none of the registration's built-in fields.
  if (kind === 'survey') return withFields(definition, custom);
  const builtIn = builtInFields(definition, event, t, options);
  return withFields(definition, [
    {
      id: null,
      title: t('register.aboutYou'),
      intro: '',
      fields: [builtIn.firstName, builtIn.lastName, builtIn.email, builtIn.organisation],
    },
    { id: null, title: '', intro: '', fields: [builtIn.structureType] },
    ...custom,
    { id: null, title: '', intro: '', fields: [builtIn.consent] },
  ]);
}

function withFields(definition: FormDefinition, sections: ResolvedSection[]): ResolvedForm {
  const fields = sections.flatMap((s) => s.fields);
  return { definition, sections, fields, byKey: new Map(fields.map((f) => [f.key, f])) };
}

/** The definition's fields with their position in the page (built-in ones included), for order checks. */
export function fieldOrder(definition: FormDefinition): string[] {
  return [
    'firstName',
    'lastName',
    'email',
    'organisation',
    'structureType',
    ...customFields(definition).map((f) => f.key),
    'consent',
  ];
}
