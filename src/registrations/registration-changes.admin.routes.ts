import { directoryConsentGiven, suggestedStructureNames } from '../structures/structure.service.js';
import type { EntityManager } from '@mikro-orm/core';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { Event } from '../events/event.entity.js';
import { registrationWindow } from '../events/event-rules.js';
import { findEvent } from '../events/event.service.js';
import { AppError, type FieldError } from '../errors.js';
import { formValuesFromAnswers } from '../forms/answers.js';
import { loadResolvedForm } from '../forms/form.service.js';
import type { Translate } from '../i18n/i18n.js';
import { formView } from '../forms/render.js';
import { organiserPages } from '../organisers/guards.js';
import { IdParams, RowId } from '../shared/api-schemas.js';
import { type FormBody, FormBodySchema, formFlag, formText } from '../shared/form-body.js';
import { saveOrReshow } from '../shared/page-door.js';
import { onEvent } from '../shared/route-policy.js';
import { REGISTRATION_STATUSES, type Registration, type RegistrationStatus } from './registration.entity.js';
import { addByOrganiser, updateRegistration } from './registration-changes.js';
import { findEventRegistration } from './registration.service.js';

const RegistrationParams = Type.Object({ id: RowId, registrationId: RowId });
const body = FormBodySchema;
const BUILT_INS = ['firstName', 'lastName', 'email', 'organisation', 'structureType'] as const;

/** The form's answers as posted, without the page's own controls. */
function postedAnswers(values: FormBody): Record<string, unknown> {
  const { _csrf, notify, silent, locale, ...answers } = values;
  return answers;
}

/** The languages a person's emails may be written in; the organiser picks one for a registration added by hand. */
export const MAIL_LOCALES = ['fr', 'en'] as const;
const mailLocaleOf = (values: FormBody) => {
  const chosen = formText(values, 'locale');
  return MAIL_LOCALES.find((locale) => locale === chosen) ?? 'fr';
};

/** Organisers add a registration by hand, correct one, and change its status (src/registrations/registration-changes.ts). */
export default async function registrationChangesAdminRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  organiserPages(app);

  async function formPage(em: EntityManager, event: Event, t: Translate, values: FormBody, errors: FieldError[] = []) {
    // The organiser's pages: the email may be left blank (a person without one).
    return formView(await loadResolvedForm(em, event, t, { emailOptional: true }), values, errors, t);
  }

  // A phone or paper registration: the public form, its checks and seats; the consent recorded in the organiser's name.
  app.get(
    '/admin/events/:id/registrations/new',
    { config: onEvent('organiser'), schema: { params: IdParams } },
    async (request, reply) => {
      const event = await findEvent(request.em, request.params.id);
      const window = registrationWindow(event);
      return reply.page('admin/registration-new', {
        event,
        form: await formPage(request.em, event, request.t, {}),
        problem: window === 'open' ? null : `registration_${window}`,
        notify: true,
        locales: MAIL_LOCALES,
        locale: 'fr',
        directoryBox: true,
        structureNames: await suggestedStructureNames(request.em),
      });
    },
  );

  app.post(
    '/admin/events/:id/registrations/new',
    { config: onEvent('organiser'), schema: { params: IdParams, body } },
    async (request, reply) => {
      const event = await findEvent(request.em, request.params.id);
      const values = request.body ?? {};
      const notify = formFlag(values, 'notify');
      const locale = mailLocaleOf(values);
      const organiser = request.organiser!;
      return saveOrReshow(
        reply,
        async () => {
          const registration = await addByOrganiser(request.em, event, postedAnswers(values), {
            recordedBy: `${organiser.name} <${organiser.email}>`,
            mail: notify ? app.mail.settings : undefined,
            locale,
          });
          return {
            url: `/admin/events/${event.id}/registrations/${registration.id}`,
            notice: `${registration.email ? 'registrationAdded' : 'registrationAddedNoEmail'}.${registration.status}`,
          };
        },
        async (error) =>
          reply.page(
            'admin/registration-new',
            {
              event,
              form: await formPage(request.em, event, request.t, values, error.details),
              errors: error.details,
              problem: error.details.length ? null : error.code,
              notify,
              locales: MAIL_LOCALES,
              locale,
              directoryBox: true,
              directoryChecked: directoryConsentGiven(values),
              structureNames: await suggestedStructureNames(request.em),
            },
            error.statusCode,
          ),
      );
    },
  );

  // Rectification: the form prefilled, checked as at registration, whatever the registration window.
  app.get(
    '/admin/events/:id/registrations/:registrationId/edit',
    { config: onEvent('organiser', { audit: 'viewed' }), schema: { params: RegistrationParams } },
    async (request, reply) => {
      const { event, registration } = await find(request.em, request.params);
      const resolved = await loadResolvedForm(request.em, event, request.t, { emailOptional: true });
      const values = {
        ...formValuesFromAnswers(resolved, registration.answers),
        ...Object.fromEntries(BUILT_INS.map((key) => [key, registration[key]])),
        consent: 'yes',
      };
      return reply.page('admin/registration-edit', {
        event,
        registration,
        form: formView(resolved, values, [], request.t),
      });
    },
  );

  app.post(
    '/admin/events/:id/registrations/:registrationId/edit',
    { config: onEvent('organiser'), schema: { params: RegistrationParams, body } },
    async (request, reply) => {
      const { event, registration } = await find(request.em, request.params);
      const values = request.body ?? {};
      const changes = {
        ...Object.fromEntries(BUILT_INS.map((key) => [key, formText(values, key)])),
        answers: postedAnswers(values),
      };
      return saveOrReshow(
        reply,
        async () => {
          await updateRegistration(request.em, registration, changes, { replaceAnswers: true });
          return { url: detailUrl(registration), notice: 'registrationUpdated' };
        },
        async (error) =>
          reply.page(
            'admin/registration-edit',
            {
              event,
              registration,
              form: await formPage(request.em, event, request.t, values, error.details),
              errors: error.details,
              problem: error.details.length ? null : error.code,
            },
            error.statusCode,
          ),
      );
    },
  );

  // A change of status; beyond the capacity only after a second step where the organiser ticks that they mean it.
  app.get(
    '/admin/events/:id/registrations/:registrationId/status',
    { config: onEvent('organiser', { audit: 'viewed' }), schema: { params: RegistrationParams } },
    async (request, reply) => {
      const { event, registration } = await find(request.em, request.params);
      return reply.page('admin/registration-status', statusPage(event, registration, {}));
    },
  );

  app.post(
    '/admin/events/:id/registrations/:registrationId/status',
    { config: onEvent('organiser'), schema: { params: RegistrationParams, body } },
    async (request, reply) => {
      const { event, registration } = await find(request.em, request.params);
      const values = request.body ?? {};
      const status = formText(values, 'status') as RegistrationStatus;
      if (!REGISTRATION_STATUSES.includes(status) || status === registration.status) {
        const errors = [{ field: 'status', code: 'required' }];
        return reply.page('admin/registration-status', { ...statusPage(event, registration, values), errors }, 400);
      }
      const silent = formFlag(values, 'silent');
      const confirmed = formFlag(values, 'overCapacity');
      return saveOrReshow(
        reply,
        async () => {
          await updateRegistration(
            request.em,
            registration,
            { status },
            { mail: silent ? undefined : app.mail.settings, overCapacity: confirmed },
          );
          // Without an address nobody is told, whatever the box said.
          const told = !silent && registration.email !== '';
          return { url: detailUrl(registration), notice: told ? 'registrationStatus' : 'registrationStatusSilent' };
        },
        async (error) => {
          // Full: the second step, with the box that confirms beyond the capacity.
          const full = error instanceof AppError && error.code === 'over_capacity';
          return reply.page(
            'admin/registration-status',
            {
              ...statusPage(event, registration, values),
              errors: error.details,
              overCapacity: full,
              problem: full || error.details.length ? null : error.code,
            },
            full ? 409 : error.statusCode,
          );
        },
      );
    },
  );

  async function find(em: EntityManager, params: { id: number; registrationId: number }) {
    const event = await findEvent(em, params.id);
    const registration = await findEventRegistration(em, event, params.registrationId, { populate: ['group'] });
    return { event, registration };
  }
}

const detailUrl = (r: Registration) => `/admin/events/${r.event.id}/registrations/${r.id}`;

function statusPage(event: Event, registration: Registration, values: FormBody) {
  return {
    event,
    registration,
    choices: REGISTRATION_STATUSES.filter((s) => s !== registration.status),
    values: { status: formText(values, 'status'), silent: formFlag(values, 'silent') },
    full: event.capacity != null && event.confirmedCount >= event.capacity,
  };
}
