import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Event } from '../events/event.entity.js';
import type { FormBody } from '../shared/form-body.js';
import { findEvent } from '../events/event.service.js';
import { AppError, type FieldError } from '../errors.js';
import { shownRanks } from './fields/group-preference.js';
import type { FormDefinition } from './form-definition.js';
import { str } from './form-builder.form.js';
import type { Direction, moveField } from './form-edits.js';
import { changeDefinition, ensureSessions, loadDefinition } from './form.service.js';
import { conditionHint } from './render.js';
import { resolveForm } from './resolve.js';

export type IdParams = { id: string };
export type KeyParams = { id: string; key: string };
export type SectionParams = { id: string; sectionId: string };

export const direction = (body: FormBody | undefined): Direction => (str(body, 'direction') === 'up' ? 'up' : 'down');

/** The event of an organiser page under /admin/events/:id/form. */
export const event = (request: FastifyRequest<{ Params: IdParams }>) =>
  findEvent(request.em, Number(request.params.id));
export const base = (e: Event) => `/admin/events/${e.id}/form`;

/** The builder's main page: the built-in fields, then the sections and their questions, each with its buttons. */
export async function builderPage(
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
export async function change(
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
