import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Event } from '../events/event.entity.js';
import type { FormBody } from '../shared/form-body.js';
import { findEvent } from '../events/event.service.js';
import { AppError, type FieldError, ValidationError, notFound } from '../errors.js';
import { organiserPages } from '../organisers/guards.js';
import { checkSubmission } from './answers.js';
import { FIELD_TYPES } from './fields/index.js';
import { shownRanks } from './fields/group-preference.js';
import {
  type FormDefinition,
  type FormField,
  type BUILT_IN_KEYS,
  FIELD_TYPE_NAMES,
  type FieldTypeName,
  isBuiltInKey,
} from './form-definition.js';
import { fieldFormValues, optionRows, readFieldForm, str } from './form-builder.form.js';
import {
  type Direction,
  addField,
  addSection,
  findField,
  findSection,
  moveField,
  moveSection,
  removeField,
  removeSection,
  updateBuiltIn,
  updateField,
  updateSection,
} from './form-edits.js';
import {
  changeDefinition,
  copyForm,
  copySources,
  ensureSessions,
  loadDefinition,
  saveDefinition,
} from './form.service.js';
import { conditionHint, formView } from './render.js';
import { type ResolvedForm, resolveForm } from './resolve.js';

type IdParams = { id: string };
type KeyParams = { id: string; key: string };
type SectionParams = { id: string; sectionId: string };

const direction = (body: FormBody | undefined): Direction => (str(body, 'direction') === 'up' ? 'up' : 'down');

/** Errors of a whole definition, shown on one field's page: its own beside its settings, the others' with their label. */
function pageErrors(details: FieldError[], prefix: string | null, t: FastifyRequest['t']) {
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
function fieldPath(definition: FormDefinition, key: string): string {
  for (let s = 0; s < definition.sections.length; s++) {
    const f = definition.sections[s].fields.findIndex((field) => field.key === key);
    if (f >= 0) return `sections.${s}.fields.${f}`;
  }
  throw notFound();
}

/** The earlier fields a condition can look at, with their answers as checkboxes. */
function conditionTriggers(resolved: ResolvedForm, before: number, selected: string[], t: FastifyRequest['t']) {
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

export default async function formAdminRoutes(app: FastifyInstance) {
  organiserPages(app);

  const event = (request: FastifyRequest<{ Params: IdParams }>) => findEvent(request.em, Number(request.params.id));
  const base = (e: Event) => `/admin/events/${e.id}/form`;

  /** The builder's main page: the built-in fields, then the sections and their questions, each with its buttons. */
  async function builderPage(
    request: FastifyRequest,
    reply: FastifyReply,
    e: Event,
    extra: { errors?: FieldError[]; notice?: string } = {},
    status = 200,
  ) {
    const t = request.t;
    await ensureSessions(e);
    const definition = await loadDefinition(request.em, e);
    const resolved = resolveForm(definition, e, t);
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
    const errors = (extra.errors ?? []).map((error) => ({
      ...error,
      field: String(error.params?.fieldKey ?? error.field),
    }));
    return reply.page(
      'admin/form-builder',
      {
        event: e,
        builtIns: resolved.fields.filter((f) => f.builtIn),
        sections,
        notice: extra.notice,
        errors,
        labelFor: (name: string) => resolved.byKey.get(name)?.label ?? t('formBuilder.title'),
        anchorFor: (name: string) => (resolved.byKey.has(name) ? `q-${name}` : 'main'),
      },
      status,
    );
  }

  /** Runs a builder change from the main page; a refused change shows the main page again with the reasons. */
  async function change(
    request: FastifyRequest,
    reply: FastifyReply,
    e: Event,
    apply: (d: FormDefinition) => ReturnType<typeof moveField>,
    anchor = '',
  ) {
    try {
      await changeDefinition(request.em, e, apply);
      return reply.redirect(`${base(e)}?saved=1${anchor}`, 303);
    } catch (error) {
      if (!(error instanceof AppError) || error.statusCode >= 500) throw error;
      return builderPage(
        request,
        reply,
        e,
        { errors: error.details.length ? error.details : [{ field: 'form', code: error.code }] },
        error.statusCode,
      );
    }
  }

  app.get<{ Params: IdParams; Querystring: { saved?: string; copied?: string } }>(
    '/admin/events/:id/form',
    async (request, reply) => {
      const notice = request.query.copied
        ? 'formBuilder.copied'
        : request.query.saved
          ? 'formBuilder.saved'
          : undefined;
      return builderPage(request, reply, await event(request), { notice });
    },
  );

  // Preview: the form exactly as attendees see it; sending it checks the answers and stores nothing.
  app.get<{ Params: IdParams }>('/admin/events/:id/form/preview', async (request, reply) => {
    const e = await event(request);
    await ensureSessions(e);
    const resolved = resolveForm(await loadDefinition(request.em, e), e, request.t);
    return reply.page('admin/form-preview', { event: e, form: formView(resolved, {}, [], request.t) });
  });

  app.post<{ Params: IdParams; Body: Record<string, unknown> }>(
    '/admin/events/:id/form/preview',
    async (request, reply) => {
      const e = await event(request);
      await ensureSessions(e);
      const resolved = resolveForm(await loadDefinition(request.em, e), e, request.t);
      const values = request.body ?? {};
      const { errors } = checkSubmission(resolved, values);
      return reply.page(
        'admin/form-preview',
        { event: e, form: formView(resolved, values, errors, request.t), errors, accepted: errors.length === 0 },
        errors.length ? 400 : 200,
      );
    },
  );

  // Built-in fields: label and help only.
  app.get<{ Params: KeyParams }>('/admin/events/:id/form/builtins/:key', async (request, reply) => {
    const e = await event(request);
    if (!isBuiltInKey(request.params.key)) throw notFound();
    const definition = await loadDefinition(request.em, e);
    const override = definition.builtIns[request.params.key] ?? {};
    return reply.page('admin/form-builtin', {
      event: e,
      ...builtInDefaults(request, e, request.params.key),
      values: { label: override.label ?? '', help: override.help ?? '' },
    });
  });

  function builtInDefaults(request: FastifyRequest, e: Event, key: (typeof BUILT_IN_KEYS)[number]) {
    const defaults = resolveForm({ builtIns: {}, sections: [] }, e, request.t).byKey.get(key)!;
    return { key, defaultLabel: defaults.label, defaultHelp: defaults.help ?? '' };
  }

  app.post<{ Params: KeyParams; Body: FormBody }>('/admin/events/:id/form/builtins/:key', async (request, reply) => {
    const e = await event(request);
    const key = request.params.key;
    if (!isBuiltInKey(key)) throw notFound();
    const input = { label: str(request.body, 'label'), help: str(request.body, 'help') };
    try {
      await changeDefinition(request.em, e, (d) => updateBuiltIn(d, key, input));
      return reply.redirect(`${base(e)}?saved=1#q-${key}`, 303);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      const errors = error.details.map((d) => ({ ...d, field: d.field.split('.').pop() ?? d.field }));
      return reply.page(
        'admin/form-builtin',
        {
          event: e,
          ...builtInDefaults(request, e, key),
          values: input,
          errors,
          labelFor: (name: string) => request.t(`formBuilder.settings.${name}`),
        },
        400,
      );
    }
  });

  // Sections.
  app.get<{ Params: IdParams }>('/admin/events/:id/form/sections/new', async (request, reply) => {
    return reply.page('admin/form-section', { event: await event(request), section: null, values: {} });
  });

  const sectionInput = (body: FormBody | undefined) => ({ title: str(body, 'title'), intro: str(body, 'intro') });
  const sectionErrors = (details: FieldError[]) =>
    details.map((d) => ({ ...d, field: d.field.split('.').pop() ?? d.field }));

  app.post<{ Params: IdParams; Body: FormBody }>('/admin/events/:id/form/sections', async (request, reply) => {
    const e = await event(request);
    const input = sectionInput(request.body);
    try {
      const saved = await changeDefinition(request.em, e, (d) => addSection(d, input));
      return reply.redirect(`${base(e)}?saved=1#section-${saved.sections.at(-1)!.id}`, 303);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      return reply.page(
        'admin/form-section',
        {
          event: e,
          section: null,
          values: input,
          errors: sectionErrors(error.details),
          labelFor: (n: string) => request.t(`formBuilder.settings.${n}`),
        },
        400,
      );
    }
  });

  app.get<{ Params: SectionParams }>('/admin/events/:id/form/sections/:sectionId', async (request, reply) => {
    const e = await event(request);
    const section = findSection(await loadDefinition(request.em, e), request.params.sectionId);
    return reply.page('admin/form-section', {
      event: e,
      section,
      values: { title: section.title, intro: section.intro },
    });
  });

  app.post<{ Params: SectionParams; Body: FormBody }>(
    '/admin/events/:id/form/sections/:sectionId',
    async (request, reply) => {
      const e = await event(request);
      const section = findSection(await loadDefinition(request.em, e), request.params.sectionId);
      const input = sectionInput(request.body);
      try {
        await changeDefinition(request.em, e, (d) => updateSection(d, section.id, input));
        return reply.redirect(`${base(e)}?saved=1#section-${section.id}`, 303);
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        return reply.page(
          'admin/form-section',
          {
            event: e,
            section,
            values: input,
            errors: sectionErrors(error.details),
            labelFor: (n: string) => request.t(`formBuilder.settings.${n}`),
          },
          400,
        );
      }
    },
  );

  app.post<{ Params: SectionParams; Body: FormBody }>(
    '/admin/events/:id/form/sections/:sectionId/move',
    async (request, reply) => {
      const e = await event(request);
      return change(
        request,
        reply,
        e,
        (d) => moveSection(d, request.params.sectionId, direction(request.body)),
        `#section-${request.params.sectionId}`,
      );
    },
  );

  app.post<{ Params: SectionParams }>('/admin/events/:id/form/sections/:sectionId/delete', async (request, reply) => {
    const e = await event(request);
    return change(request, reply, e, (d) => removeSection(d, request.params.sectionId));
  });

  // Fields: a page to choose the type, then a page per field.
  async function fieldPage(
    request: FastifyRequest,
    reply: FastifyReply,
    e: Event,
    options: {
      field: FormField | null;
      type: FieldTypeName;
      sectionId: string | null;
      values: FormBody;
      errors?: ReturnType<typeof pageErrors>;
      saved?: boolean;
    },
    status = 200,
  ) {
    const t = request.t;
    await ensureSessions(e);
    const definition = await loadDefinition(request.em, e);
    const resolved = resolveForm(definition, e, t);
    let before: number;
    if (options.field) before = resolved.fields.findIndex((f) => f.key === options.field!.key);
    else {
      const section = options.sectionId
        ? resolved.sections.find((s) => s.id === options.sectionId)
        : [...resolved.sections].reverse().find((s) => s.id !== null);
      const last = section?.fields.at(-1);
      before = last
        ? resolved.fields.indexOf(last) + 1
        : resolved.fields.findIndex((f) => f.key === 'structureType') + 1;
    }
    const selected = [options.values.condition ?? []].flat();
    const type = FIELD_TYPES[options.type];
    return reply.page(
      'admin/form-field',
      {
        // Not `type` nor `options`: the /partials/field include reads those names.
        event: e,
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
        saved: options.saved ?? false,
      },
      status,
    );
  }

  const groupCount = (e: Event) => e.sessions.getItems().filter((s) => s.kind === 'breakout').length;

  app.get<{ Params: IdParams; Querystring: { section?: string; type?: string } }>(
    '/admin/events/:id/form/fields/new',
    async (request, reply) => {
      const e = await event(request);
      const sectionId = request.query.section || null;
      if (sectionId) findSection(await loadDefinition(request.em, e), sectionId);
      const type = request.query.type as FieldTypeName;
      if (!type || !(FIELD_TYPE_NAMES as readonly string[]).includes(type)) {
        return reply.page(
          'admin/form-field-type',
          {
            event: e,
            sectionId,
            types: FIELD_TYPE_NAMES.map((name) => ({
              name,
              label: request.t(`formBuilder.types.${name}`),
              help: request.t(`formBuilder.typeHelp.${name}`),
            })),
            errors: type ? [{ field: 'type', code: 'choose_one' }] : [],
            labelFor: () => request.t('formBuilder.chooseType'),
            anchorFor: () => 'field-type-0',
          },
          type ? 400 : 200,
        );
      }
      const defaults = { ...FIELD_TYPES[type].defaults, type } as Partial<FormField>;
      return fieldPage(request, reply, e, { field: null, type, sectionId, values: fieldFormValues(defaults) });
    },
  );

  app.post<{ Params: IdParams; Body: FormBody }>('/admin/events/:id/form/fields', async (request, reply) => {
    const e = await event(request);
    const body = request.body ?? {};
    const type = str(body, 'type') as FieldTypeName;
    if (!(FIELD_TYPE_NAMES as readonly string[]).includes(type)) throw new AppError('bad_request');
    const definition = await loadDefinition(request.em, e);
    const sectionId = str(body, 'section') || null;
    const sectionIndex = sectionId
      ? definition.sections.indexOf(findSection(definition, sectionId))
      : Math.max(definition.sections.length - 1, 0);
    const prefix = `sections.${sectionIndex}.fields.${definition.sections[sectionIndex]?.fields.length ?? 0}`;
    const { input, errors } = readFieldForm(body, type);
    try {
      if (errors.length) throw new ValidationError(errors);
      const saved = await saveDefinition(request.em, e, addField(definition, sectionId, input));
      const key = saved.sections[sectionIndex].fields.at(-1)!.key;
      return reply.redirect(
        str(body, 'then') === 'stay' ? `${base(e)}/fields/${key}?saved=1` : `${base(e)}?saved=1#q-${key}`,
        303,
      );
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      return fieldPage(
        request,
        reply,
        e,
        { field: null, type, sectionId, values: body, errors: pageErrors(error.details, prefix, request.t) },
        400,
      );
    }
  });

  app.get<{ Params: KeyParams; Querystring: { saved?: string } }>(
    '/admin/events/:id/form/fields/:key',
    async (request, reply) => {
      const e = await event(request);
      const field = findField(await loadDefinition(request.em, e), request.params.key);
      return fieldPage(request, reply, e, {
        field,
        type: field.type,
        sectionId: null,
        values: fieldFormValues(field),
        saved: request.query.saved === '1',
      });
    },
  );

  app.post<{ Params: KeyParams; Body: FormBody }>('/admin/events/:id/form/fields/:key', async (request, reply) => {
    const e = await event(request);
    const body = request.body ?? {};
    const definition = await loadDefinition(request.em, e);
    const field = findField(definition, request.params.key);
    const { input, errors } = readFieldForm(body, field.type);
    try {
      if (errors.length) throw new ValidationError(errors);
      await saveDefinition(request.em, e, updateField(definition, field.key, input));
      return reply.redirect(
        str(body, 'then') === 'stay' ? `${base(e)}/fields/${field.key}?saved=1` : `${base(e)}?saved=1#q-${field.key}`,
        303,
      );
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      return fieldPage(
        request,
        reply,
        e,
        {
          field,
          type: field.type,
          sectionId: null,
          values: body,
          errors: pageErrors(error.details, fieldPath(definition, field.key), request.t),
        },
        400,
      );
    }
  });

  app.post<{ Params: KeyParams; Body: FormBody }>('/admin/events/:id/form/fields/:key/move', async (request, reply) => {
    const e = await event(request);
    return change(
      request,
      reply,
      e,
      (d) => moveField(d, request.params.key, direction(request.body)),
      `#q-${request.params.key}`,
    );
  });

  app.get<{ Params: KeyParams }>('/admin/events/:id/form/fields/:key/delete', async (request, reply) => {
    const e = await event(request);
    const field = findField(await loadDefinition(request.em, e), request.params.key);
    return reply.page('admin/form-field-delete', { event: e, field });
  });

  app.post<{ Params: KeyParams }>('/admin/events/:id/form/fields/:key/delete', async (request, reply) => {
    const e = await event(request);
    return change(request, reply, e, (d) => removeField(d, request.params.key));
  });

  // Copy another event's form.
  app.get<{ Params: IdParams }>('/admin/events/:id/form/copy', async (request, reply) => {
    const e = await event(request);
    return reply.page('admin/form-copy', { event: e, sources: await copySources(request.em, e), values: {} });
  });

  app.post<{ Params: IdParams; Body: FormBody }>('/admin/events/:id/form/copy', async (request, reply) => {
    const e = await event(request);
    try {
      await copyForm(request.em, e, Number(str(request.body, 'from')));
      return reply.redirect(`${base(e)}?copied=1`, 303);
    } catch (error) {
      if (!(error instanceof AppError) || error.statusCode >= 500) throw error;
      const labels = new Map<string, string>();
      const errors = error.details.map((d) => {
        if (d.field === 'from') return d;
        const name = `other.${d.params?.fieldKey ?? d.field}`;
        labels.set(name, String(d.params?.field ?? request.t('formBuilder.title')));
        return { ...d, field: name };
      });
      return reply.page(
        'admin/form-copy',
        {
          event: e,
          sources: await copySources(request.em, e),
          values: request.body ?? {},
          errors,
          labelFor: (name: string) => labels.get(name) ?? request.t('formBuilder.copy.from'),
          anchorFor: (name: string) => (name === 'from' ? 'field-from' : 'main'),
        },
        error.statusCode,
      );
    }
  });
}
