import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { onEvent } from '../shared/route-policy.js';
import { AppError, ValidationError, notFound } from '../errors.js';
import { findEvent } from '../events/event.service.js';
import { organiserPages } from '../organisers/guards.js';
import { IdParams, RowId } from '../shared/api-schemas.js';
import { FormBodySchema, formText } from '../shared/form-body.js';
import { saveOrReshow } from '../shared/page-door.js';
import { checkSubmission } from './answers.js';
import { fieldFormValues, readFieldForm } from './form-builder.form.js';
import {
  builderPage,
  builderRefusal,
  builtInPage,
  copyPage,
  direction,
  fieldPage,
  fieldPath,
  fieldTypePage,
  formBase,
  isFieldType,
  newFieldPlace,
  newFieldValues,
  pageErrors,
  sectionInput,
  sectionPage,
} from './form-builder.page.js';
import { type FormKind, isBuiltInKey } from './form-definition.js';
import {
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
import { changeDefinition, copyForm, ensureSessions, loadDefinition, saveDefinition } from './form.service.js';
import { formView } from './render.js';
import { resolveForm } from './resolve.js';

const params = IdParams;
const KeyParams = Type.Object({ id: RowId, key: Type.String({ maxLength: 200 }) });
const SectionParams = Type.Object({ id: RowId, sectionId: Type.String({ maxLength: 200 }) });
const NewFieldQuery = Type.Object({
  section: Type.Optional(Type.String({ maxLength: 200 })),
  type: Type.Optional(Type.String({ maxLength: 200 })),
});
const body = FormBodySchema;

// Every builder page changes the form, or only shows a form to change it: organisers, not viewers.
const organiser = onEvent('organiser');

/**
 * The form builder's pages, twice: for the registration form under /admin/events/:id/form, and for
 * the satisfaction survey under /admin/events/:id/survey/form (no built-in fields, no copy); the
 * route's `formKind` tells the page builders which (form-builder.page.ts).
 */
export default async function formAdminRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  organiserPages(app);
  builderRoutes(app, 'registration');
  builderRoutes(app, 'survey');
}

function builderRoutes(fastify: FastifyInstance, kind: FormKind) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const root = kind === 'survey' ? '/admin/events/:id/survey/form' : '/admin/events/:id/form';
  const config = { ...organiser, formKind: kind };

  app.get(root, { config, schema: { params } }, async (request, reply) =>
    builderPage(request, reply, await findEvent(request.em, request.params.id)),
  );

  // Preview: the form exactly as attendees see it; sending it checks the answers and stores nothing.
  app.get(
    `${root}/preview`,
    // Its form posts back to the builder: a viewer has no use for it.
    { config, schema: { params } },
    async (request, reply) => {
      const e = await findEvent(request.em, request.params.id);
      await ensureSessions(e);
      const resolved = resolveForm(await loadDefinition(request.em, e, kind), e, request.t, kind);
      return reply.page('admin/form-preview', {
        event: e,
        base: formBase(e, kind),
        survey: kind === 'survey',
        form: formView(resolved, {}, [], request.t),
      });
    },
  );

  app.post(`${root}/preview`, { config, schema: { params, body } }, async (request, reply) => {
    const e = await findEvent(request.em, request.params.id);
    await ensureSessions(e);
    const resolved = resolveForm(await loadDefinition(request.em, e, kind), e, request.t, kind);
    const values = request.body ?? {};
    const { errors } = checkSubmission(resolved, values);
    return reply.page(
      'admin/form-preview',
      {
        event: e,
        base: formBase(e, kind),
        survey: kind === 'survey',
        form: formView(resolved, values, errors, request.t),
        errors,
        accepted: errors.length === 0,
      },
      errors.length ? 400 : 200,
    );
  });

  // Sections.
  app.get(`${root}/sections/new`, { config, schema: { params } }, async (request, reply) =>
    sectionPage(request, reply, await findEvent(request.em, request.params.id), null, {}),
  );

  app.post(`${root}/sections`, { config, schema: { params, body } }, async (request, reply) => {
    const e = await findEvent(request.em, request.params.id);
    const input = sectionInput(request.body);
    return saveOrReshow(
      reply,
      async () => {
        const saved = await changeDefinition(request.em, e, (d) => addSection(d, input), kind);
        return { url: `${formBase(e, kind)}#section-${saved.sections.at(-1)!.id}`, notice: 'sectionAdded' };
      },
      (error) => sectionPage(request, reply, e, null, input, error),
    );
  });

  app.get(`${root}/sections/:sectionId`, { config, schema: { params: SectionParams } }, async (request, reply) => {
    const e = await findEvent(request.em, request.params.id);
    const section = findSection(await loadDefinition(request.em, e, kind), request.params.sectionId);
    return sectionPage(request, reply, e, section, { title: section.title, intro: section.intro });
  });

  app.post(
    `${root}/sections/:sectionId`,
    { config, schema: { params: SectionParams, body } },
    async (request, reply) => {
      const e = await findEvent(request.em, request.params.id);
      const section = findSection(await loadDefinition(request.em, e, kind), request.params.sectionId);
      const input = sectionInput(request.body);
      return saveOrReshow(
        reply,
        async () => {
          await changeDefinition(request.em, e, (d) => updateSection(d, section.id, input), kind);
          return { url: `${formBase(e, kind)}#section-${section.id}`, notice: 'sectionSaved' };
        },
        (error) => sectionPage(request, reply, e, section, input, error),
      );
    },
  );

  app.post(
    `${root}/sections/:sectionId/move`,
    { config, schema: { params: SectionParams, body } },
    async (request, reply) => {
      const e = await findEvent(request.em, request.params.id);
      const { sectionId } = request.params;
      return saveOrReshow(
        reply,
        async () => {
          await changeDefinition(request.em, e, (d) => moveSection(d, sectionId, direction(request.body)), kind);
          return { url: `${formBase(e, kind)}#section-${sectionId}`, notice: 'sectionMoved' };
        },
        (error) => builderRefusal(request, reply, e, error),
      );
    },
  );

  app.post(
    `${root}/sections/:sectionId/delete`,
    { config, schema: { params: SectionParams, body } },
    async (request, reply) => {
      const e = await findEvent(request.em, request.params.id);
      return saveOrReshow(
        reply,
        async () => {
          await changeDefinition(request.em, e, (d) => removeSection(d, request.params.sectionId), kind);
          return { url: formBase(e, kind), notice: 'sectionDeleted' };
        },
        (error) => builderRefusal(request, reply, e, error),
      );
    },
  );

  // Fields: a page to choose the type, then a page per field.
  app.get(`${root}/fields/new`, { config, schema: { params, querystring: NewFieldQuery } }, async (request, reply) => {
    const e = await findEvent(request.em, request.params.id);
    const sectionId = request.query.section || null;
    if (sectionId) findSection(await loadDefinition(request.em, e, kind), sectionId);
    const type = request.query.type;
    if (!isFieldType(type, kind)) return fieldTypePage(request, reply, e, sectionId, type);
    return fieldPage(request, reply, e, { field: null, type, sectionId, values: newFieldValues(type, request.t) });
  });

  app.post(`${root}/fields`, { config, schema: { params, body } }, async (request, reply) => {
    const e = await findEvent(request.em, request.params.id);
    const posted = request.body ?? {};
    const type = formText(posted, 'type');
    if (!isFieldType(type, kind)) throw new AppError('bad_request');
    const definition = await loadDefinition(request.em, e, kind);
    const sectionId = formText(posted, 'section') || null;
    const { sectionIndex, prefix } = newFieldPlace(definition, sectionId);
    const { input, errors } = readFieldForm(posted, type);
    return saveOrReshow(
      reply,
      async () => {
        if (errors.length) throw new ValidationError(errors);
        const saved = await saveDefinition(request.em, e, addField(definition, sectionId, input), kind);
        const key = saved.sections[sectionIndex].fields.at(-1)!.key;
        const url =
          formText(posted, 'then') === 'stay' ? `${formBase(e, kind)}/fields/${key}` : `${formBase(e, kind)}#q-${key}`;
        return { url, notice: 'questionAdded' };
      },
      (error) =>
        fieldPage(
          request,
          reply,
          e,
          { field: null, type, sectionId, values: posted, errors: pageErrors(error.details, prefix, request.t) },
          error.statusCode,
        ),
    );
  });

  app.get(`${root}/fields/:key`, { config, schema: { params: KeyParams } }, async (request, reply) => {
    const e = await findEvent(request.em, request.params.id);
    const field = findField(await loadDefinition(request.em, e, kind), request.params.key);
    return fieldPage(request, reply, e, {
      field,
      type: field.type,
      sectionId: null,
      values: fieldFormValues(field),
    });
  });

  app.post(`${root}/fields/:key`, { config, schema: { params: KeyParams, body } }, async (request, reply) => {
    const e = await findEvent(request.em, request.params.id);
    const posted = request.body ?? {};
    const definition = await loadDefinition(request.em, e, kind);
    const field = findField(definition, request.params.key);
    const { input, errors } = readFieldForm(posted, field.type);
    return saveOrReshow(
      reply,
      async () => {
        if (errors.length) throw new ValidationError(errors);
        await saveDefinition(request.em, e, updateField(definition, field.key, input), kind);
        const stay = formText(posted, 'then') === 'stay';
        return {
          url: stay ? `${formBase(e, kind)}/fields/${field.key}` : `${formBase(e, kind)}#q-${field.key}`,
          notice: 'questionSaved',
        };
      },
      (error) =>
        fieldPage(
          request,
          reply,
          e,
          {
            field,
            type: field.type,
            sectionId: null,
            values: posted,
            errors: pageErrors(error.details, fieldPath(definition, field.key), request.t),
          },
          error.statusCode,
        ),
    );
  });

  app.post(`${root}/fields/:key/move`, { config, schema: { params: KeyParams, body } }, async (request, reply) => {
    const e = await findEvent(request.em, request.params.id);
    const { key } = request.params;
    return saveOrReshow(
      reply,
      async () => {
        await changeDefinition(request.em, e, (d) => moveField(d, key, direction(request.body)), kind);
        return { url: `${formBase(e, kind)}#q-${key}`, notice: 'questionMoved' };
      },
      (error) => builderRefusal(request, reply, e, error),
    );
  });

  app.get(`${root}/fields/:key/delete`, { config, schema: { params: KeyParams } }, async (request, reply) => {
    const e = await findEvent(request.em, request.params.id);
    const field = findField(await loadDefinition(request.em, e, kind), request.params.key);
    return reply.page('admin/form-field-delete', { event: e, field, base: formBase(e, kind) });
  });

  app.post(`${root}/fields/:key/delete`, { config, schema: { params: KeyParams, body } }, async (request, reply) => {
    const e = await findEvent(request.em, request.params.id);
    return saveOrReshow(
      reply,
      async () => {
        await changeDefinition(request.em, e, (d) => removeField(d, request.params.key), kind);
        return { url: formBase(e, kind), notice: 'questionDeleted' };
      },
      (error) => builderRefusal(request, reply, e, error),
    );
  });

  // The registration form only: a survey has no built-in fields, and is not copied.
  if (kind === 'survey') return;
  // Built-in fields: label and help only.
  app.get(`${root}/builtins/:key`, { config, schema: { params: KeyParams } }, async (request, reply) => {
    const e = await findEvent(request.em, request.params.id);
    const key = request.params.key;
    if (!isBuiltInKey(key)) throw notFound();
    const override = (await loadDefinition(request.em, e, kind)).builtIns[key] ?? {};
    return builtInPage(request, reply, e, key, { label: override.label ?? '', help: override.help ?? '' });
  });

  app.post(`${root}/builtins/:key`, { config, schema: { params: KeyParams, body } }, async (request, reply) => {
    const e = await findEvent(request.em, request.params.id);
    const key = request.params.key;
    if (!isBuiltInKey(key)) throw notFound();
    const input = { label: formText(request.body, 'label'), help: formText(request.body, 'help') };
    return saveOrReshow(
      reply,
      async () => {
        await changeDefinition(request.em, e, (d) => updateBuiltIn(d, key, input), kind);
        return { url: `${formBase(e, kind)}#q-${key}`, notice: 'builtInSaved' };
      },
      (error) => builtInPage(request, reply, e, key, input, error),
    );
  });

  // Copy another event's form.
  app.get(`${root}/copy`, { config, schema: { params } }, async (request, reply) =>
    copyPage(request, reply, await findEvent(request.em, request.params.id), {}),
  );

  app.post(`${root}/copy`, { config, schema: { params, body } }, async (request, reply) => {
    const e = await findEvent(request.em, request.params.id);
    return saveOrReshow(
      reply,
      async () => {
        await copyForm(request.em, e, Number(formText(request.body, 'from')), request.organiser!.id);
        return { url: formBase(e, kind), notice: 'formCopied' };
      },
      (error) => copyPage(request, reply, e, request.body ?? {}, error),
    );
  });
}
