import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Event } from '../events/event.entity.js';
import type { FormBody } from '../shared/form-body.js';
import { AppError, type FieldError, ValidationError, notFound } from '../errors.js';
import { organiserPages } from '../organisers/guards.js';
import { checkSubmission } from './answers.js';
import { type BUILT_IN_KEYS, isBuiltInKey } from './form-definition.js';
import {
  type IdParams,
  type KeyParams,
  type SectionParams,
  base,
  builderPage,
  change,
  direction,
  event,
} from './form-builder.pages.js';
import { str } from './form-builder.form.js';
import { addSection, findSection, moveSection, removeSection, updateBuiltIn, updateSection } from './form-edits.js';
import { changeDefinition, copyForm, copySources, ensureSessions, loadDefinition } from './form.service.js';
import { formView } from './render.js';
import { resolveForm } from './resolve.js';

export default async function formAdminRoutes(app: FastifyInstance) {
  organiserPages(app);

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

  app.get<{ Params: IdParams }>('/admin/events/:id/form/copy', async (request, reply) => {
    const e = await event(request);
    return reply.page('admin/form-copy', {
      event: e,
      sources: await copySources(request.em, e, request.organiser!.id),
      values: {},
    });
  });

  app.post<{ Params: IdParams; Body: FormBody }>('/admin/events/:id/form/copy', async (request, reply) => {
    const e = await event(request);
    try {
      await copyForm(request.em, e, Number(str(request.body, 'from')), request.organiser!.id);
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
          sources: await copySources(request.em, e, request.organiser!.id),
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
