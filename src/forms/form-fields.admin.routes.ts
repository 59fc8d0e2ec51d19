import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Event } from '../events/event.entity.js';
import type { FormBody } from '../shared/form-body.js';
import { AppError, type FieldError, ValidationError, notFound } from '../errors.js';
import { organiserPages } from '../organisers/guards.js';
import { FIELD_TYPES } from './fields/index.js';
import { type FormDefinition, type FormField, FIELD_TYPE_NAMES, type FieldTypeName } from './form-definition.js';
import { type IdParams, type KeyParams, base, change, direction, event } from './form-builder.pages.js';
import { fieldFormValues, optionRows, readFieldForm, str } from './form-builder.form.js';
import { addField, findField, findSection, moveField, removeField, updateField } from './form-edits.js';
import { ensureSessions, loadDefinition, saveDefinition } from './form.service.js';
import { type ResolvedForm, resolveForm } from './resolve.js';

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

/** The form builder's field pages: choosing a type, then a page per field. */
export default async function formFieldAdminRoutes(app: FastifyInstance) {
  organiserPages(app);

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
    if (!(FIELD_TYPE_NAMES as readonly string[]).includes(type)) throw new AppError(400, 'bad_request');
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
}
