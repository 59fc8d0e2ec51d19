import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppError, FieldError } from '../errors.js';
import { notFound } from '../errors.js';
import type { Event } from '../events/event.entity.js';
import { type FormBody, formText } from '../shared/form-body.js';
import { FIELD_TYPES } from './fields/index.js';
import { shownRanks } from './fields/group-preference.js';
import { fieldFormValues, optionRows } from './form-builder.form.js';
import {
  type BuiltInKey,
  type FieldTypeName,
  type FormDefinition,
  type FormField,
  type FormKind,
  type FormSection,
  fieldTypesOf,
} from './form-definition.js';
import { type Direction, findSection } from './form-edits.js';
import { copySources, ensureSessions, loadDefinition } from './form.service.js';
import { conditionHint } from './render.js';
import { type ResolvedForm, resolveForm } from './resolve.js';

/** The view models of the form builder's pages: what each page shows, and shows again with the reasons of a refusal. */

type Translate = FastifyRequest['t'];

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Builder routes: the form they design (form.admin.routes.ts registers them once per kind). */
    formKind?: FormKind;
  }
}

export const formBase = (event: Event, kind: FormKind = 'registration') =>
  kind === 'survey' ? `/admin/events/${event.id}/survey/form` : `/admin/events/${event.id}/form`;

/** The form the builder route designs, and what its pages need to say so (their addresses, their titles). */
export const kindOf = (request: FastifyRequest): FormKind => request.routeOptions.config.formKind ?? 'registration';
const flavour = (request: FastifyRequest, e: Event) => {
  const kind = kindOf(request);
  return { kind, survey: kind === 'survey', base: formBase(e, kind) };
};

export const direction = (body: FormBody | undefined): Direction =>
  formText(body, 'direction') === 'up' ? 'up' : 'down';

export const sectionInput = (body: FormBody | undefined) => ({
  title: formText(body, 'title'),
  intro: formText(body, 'intro'),
});

/** Errors of a whole definition, shown on one field's page: its own beside its settings, the others' with their label. */
export function pageErrors(details: FieldError[], prefix: string | null, t: Translate) {
  const labels = new Map<string, string>();
  const errors = details.map((error) => {
    if (prefix && error.field.startsWith(`${prefix}.`)) {
      const name = error.field.slice(prefix.length + 1).split('.')[0];
      labels.set(name, t(`formBuilder.settings.${name}`));
      return { ...error, field: name };
    }
    if (!prefix || !error.field.startsWith('sections.')) {
      labels.set(error.field, t(`formBuilder.settings.${error.field.split('.')[0]}`));
      return error;
    }
    const name = `other.${error.params?.fieldKey ?? error.field}`;
    labels.set(name, String(error.params?.field ?? t('formBuilder.title')));
    return { ...error, field: name };
  });
  return {
    errors,
    labelFor: (name: string) => labels.get(name) ?? name,
    anchorFor: (name: string) => (name.startsWith('other.') ? 'main' : `field-${name}`),
  };
}

/** Where a field sits in the definition, as the rules name it (`sections.1.fields.0`). */
export function fieldPath(definition: FormDefinition, key: string): string {
  for (let s = 0; s < definition.sections.length; s++) {
    const f = definition.sections[s].fields.findIndex((field) => field.key === key);
    if (f >= 0) return `sections.${s}.fields.${f}`;
  }
  throw notFound();
}

/** Where a new question goes (in `sectionId`, else the last section), and its place as the rules name it. */
export function newFieldPlace(definition: FormDefinition, sectionId: string | null) {
  const sectionIndex = sectionId
    ? definition.sections.indexOf(findSection(definition, sectionId))
    : Math.max(definition.sections.length - 1, 0);
  const prefix = `sections.${sectionIndex}.fields.${definition.sections[sectionIndex]?.fields.length ?? 0}`;
  return { sectionIndex, prefix };
}

/** The earlier fields a condition can look at, with their answers as checkboxes. */
function conditionTriggers(resolved: ResolvedForm, before: number, selected: string[], t: Translate) {
  return resolved.fields.slice(0, before).flatMap((field) => {
    const type = FIELD_TYPES[field.type];
    if (!type.conditionOptions || (type.available && !type.available(field))) return [];
    const options = type.conditionOptions(field, t).map((o) => ({
      value: `${field.key}:${o.key}`,
      label: o.label,
      checked: selected.includes(`${field.key}:${o.key}`),
    }));
    return options.length ? [{ key: field.key, label: field.label, options }] : [];
  });
}

const groupCount = (e: Event) => e.sessions.getItems().filter((s) => s.kind === 'breakout').length;

/** The builder's main page: the built-in fields, then the sections and their questions, each with its buttons. */
export async function builderPage(
  request: FastifyRequest,
  reply: FastifyReply,
  e: Event,
  refused: FieldError[] = [],
  status = 200,
) {
  const t = request.t;
  await ensureSessions(e);
  const kind = kindOf(request);
  const definition = await loadDefinition(request.em, e, kind);
  const resolved = resolveForm(definition, e, t, kind);
  const sections = definition.sections.map((section) => ({
    ...section,
    fields: section.fields.map((field) => {
      const r = resolved.byKey.get(field.key)!;
      const warning =
        field.type === 'group_preference' && shownRanks(r) < (field.ranks ?? 1)
          ? t(shownRanks(r) === 0 ? 'formBuilder.noGroups' : 'formBuilder.fewGroups', { count: shownRanks(r) })
          : '';
      return {
        ...field,
        typeName: t(`formBuilder.types.${field.type}`),
        hint: conditionHint(resolved, r, t),
        warning,
      };
    }),
  }));
  const errors = refused.map((error) => ({ ...error, field: String(error.params?.fieldKey ?? error.field) }));
  return reply.page(
    'admin/form-builder',
    {
      event: e,
      ...flavour(request, e),
      builtIns: resolved.fields.filter((f) => f.builtIn),
      sections,
      errors,
      labelFor: (name: string) => resolved.byKey.get(name)?.label ?? t('formBuilder.title'),
      anchorFor: (name: string) => (resolved.byKey.has(name) ? `q-${name}` : 'main'),
    },
    status,
  );
}

/** A change made from the main page (a move, a deletion) refused: the main page again, with the reasons. */
export function builderRefusal(request: FastifyRequest, reply: FastifyReply, e: Event, error: AppError) {
  return builderPage(request, reply, e, refusalDetails(error), error.statusCode);
}

/** The reasons of a refusal; one without details (someone else saved the form meanwhile) is about the whole form. */
const refusalDetails = (error: AppError): FieldError[] =>
  error.details.length ? error.details : [{ field: 'form', code: error.code }];

/** A built-in field's page: its label and help, with the defaults they replace. */
export function builtInPage(
  request: FastifyRequest,
  reply: FastifyReply,
  e: Event,
  key: BuiltInKey,
  values: { label: string; help: string },
  refused?: AppError,
) {
  const defaults = resolveForm({ builtIns: {}, sections: [] }, e, request.t).byKey.get(key)!;
  const page = { event: e, key, defaultLabel: defaults.label, defaultHelp: defaults.help ?? '', values };
  if (!refused) return reply.page('admin/form-builtin', page);
  const errors = refusalDetails(refused).map((d) => ({ ...d, field: d.field.split('.').pop() ?? d.field }));
  const labelFor = (name: string) => request.t(`formBuilder.settings.${name}`);
  return reply.page('admin/form-builtin', { ...page, errors, labelFor }, refused.statusCode);
}

/** A section's page (a new one when `section` is null). */
export function sectionPage(
  request: FastifyRequest,
  reply: FastifyReply,
  e: Event,
  section: FormSection | null,
  values: { title?: string; intro?: string },
  refused?: AppError,
) {
  const page = { event: e, ...flavour(request, e), section, values };
  if (!refused) return reply.page('admin/form-section', page);
  const errors = refusalDetails(refused).map((d) => ({ ...d, field: d.field.split('.').pop() ?? d.field }));
  const labelFor = (n: string) => request.t(`formBuilder.settings.${n}`);
  return reply.page('admin/form-section', { ...page, errors, labelFor }, refused.statusCode);
}

/** The page to choose a new question's type; `chosen` is a type that is not one (shown as an error). */
export function fieldTypePage(
  request: FastifyRequest,
  reply: FastifyReply,
  e: Event,
  sectionId: string | null,
  chosen?: string,
) {
  return reply.page(
    'admin/form-field-type',
    {
      event: e,
      ...flavour(request, e),
      sectionId,
      types: fieldTypesOf(kindOf(request)).map((name) => ({
        name,
        label: request.t(`formBuilder.types.${name}`),
        help: request.t(`formBuilder.typeHelp.${name}`),
      })),
      errors: chosen ? [{ field: 'type', code: 'choose_one' }] : [],
      labelFor: () => request.t('formBuilder.chooseType'),
      anchorFor: () => 'field-type-0',
    },
    chosen ? 400 : 200,
  );
}

export const isFieldType = (type: string | undefined, kind: FormKind = 'registration'): type is FieldTypeName =>
  !!type && (fieldTypesOf(kind) as readonly string[]).includes(type);

/** The values a new question's page starts with: its type's defaults ("Votre domaine d'intervention" for the side's). */
export const newFieldValues = (type: FieldTypeName, t: Translate) =>
  fieldFormValues({
    ...FIELD_TYPES[type].defaults,
    ...(type === 'side' ? { label: t('formBuilder.sideQuestion') } : {}),
    type,
  } as Partial<FormField>);

/** A question's page: its settings, its options and the earlier answers its condition can look at. */
export async function fieldPage(
  request: FastifyRequest,
  reply: FastifyReply,
  e: Event,
  options: {
    field: FormField | null;
    type: FieldTypeName;
    sectionId: string | null;
    values: FormBody;
    errors?: ReturnType<typeof pageErrors>;
  },
  status = 200,
) {
  const t = request.t;
  await ensureSessions(e);
  const kind = kindOf(request);
  const definition = await loadDefinition(request.em, e, kind);
  const resolved = resolveForm(definition, e, t, kind);
  let before: number;
  if (options.field) before = resolved.fields.findIndex((f) => f.key === options.field!.key);
  else {
    const section = options.sectionId
      ? resolved.sections.find((s) => s.id === options.sectionId)
      : [...resolved.sections].reverse().find((s) => s.id !== null);
    const last = section?.fields.at(-1);
    before = last ? resolved.fields.indexOf(last) + 1 : resolved.fields.findIndex((f) => f.key === 'structureType') + 1;
  }
  const selected = [options.values.condition ?? []].flat();
  const type = FIELD_TYPES[options.type];
  return reply.page(
    'admin/form-field',
    {
      // Not `type` nor `options`: the /partials/field include reads those names.
      event: e,
      ...flavour(request, e),
      field: options.field,
      fieldType: options.type,
      typeName: t(`formBuilder.types.${options.type}`),
      settings: [...type.settings],
      sectionId: options.sectionId,
      values: options.values,
      optionRows: optionRows(options.values),
      triggers: conditionTriggers(resolved, before, selected, t),
      groupCount: groupCount(e),
      errors: options.errors?.errors ?? [],
      labelFor: options.errors?.labelFor,
      anchorFor: options.errors?.anchorFor,
    },
    status,
  );
}

/** The page to copy another event's form; a refused copy names the question of the other form at fault. */
export async function copyPage(
  request: FastifyRequest,
  reply: FastifyReply,
  e: Event,
  values: FormBody,
  refused?: AppError,
) {
  const page = { event: e, sources: await copySources(request.em, e, request.organiser!.id), values };
  if (!refused) return reply.page('admin/form-copy', page);
  const labels = new Map<string, string>();
  const errors = refused.details.map((d) => {
    if (d.field === 'from') return d;
    const name = `other.${d.params?.fieldKey ?? d.field}`;
    labels.set(name, String(d.params?.field ?? request.t('formBuilder.title')));
    return { ...d, field: name };
  });
  return reply.page(
    'admin/form-copy',
    {
      ...page,
      errors,
      labelFor: (name: string) => labels.get(name) ?? request.t('formBuilder.copy.from'),
      anchorFor: (name: string) => (name === 'from' ? 'field-from' : 'main'),
    },
    refused.statusCode,
  );
}
