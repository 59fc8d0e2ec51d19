import type { EntityManager } from '@mikro-orm/core';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { onEvent } from '../shared/route-policy.js';
import { findEvent } from '../events/event.service.js';
import { structureTypeLabel } from '../events/structure-types.js';
import { personSide, sideLabel, sidesOf, typeSide } from '../events/sides.js';
import { setRegistrationSide } from './registration-side.js';
import { answerRows } from '../forms/answers.js';
import { loadResolvedForm } from '../forms/form.service.js';
import { organiserPages } from '../organisers/guards.js';
import { RowId } from '../shared/api-schemas.js';
import { FormBodySchema, formText } from '../shared/form-body.js';
import { redirectWithNotice } from '../shared/page-door.js';
import { reissuePrivateLink } from './private-link.js';
import { cancel, findEventRegistration } from './registration.service.js';

const RegistrationParams = Type.Object({ id: RowId, registrationId: RowId });
const body = FormBodySchema;

export default async function registrationAdminRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  organiserPages(app);

  async function findRegistration(em: EntityManager, params: { id: number; registrationId: number }) {
    const event = await findEvent(em, params.id);
    const registration = await findEventRegistration(em, event, params.registrationId, { populate: ['group'] });
    return { event, registration };
  }

  // The organiser cancels someone's registration: a confirmation page, then the attendee gets a
  // METHOD:CANCEL of their invite and the first person waiting gets the seat (and their invite).
  app.get(
    '/admin/events/:id/registrations/:registrationId/cancel',
    { config: onEvent('organiser', { audit: 'viewed' }), schema: { params: RegistrationParams } },
    async (request, reply) => {
      const { event, registration } = await findRegistration(request.em, request.params);
      return reply.page('admin/registration-cancel', { event, registration });
    },
  );

  app.post(
    '/admin/events/:id/registrations/:registrationId/cancel',
    { config: onEvent('organiser'), schema: { params: RegistrationParams, body } },
    async (request, reply) => {
      const { event, registration } = await findRegistration(request.em, request.params);
      await cancel(request.em, registration, { mail: app.mail.settings, byOrganiser: true });
      return redirectWithNotice(reply, `/admin/events/${event.id}/registrations`, 'registrationCancelled');
    },
  );

  // One registration with every answer, those to questions since removed from the form included.
  app.get(
    '/admin/events/:id/registrations/:registrationId',
    { config: onEvent('viewer', { audit: 'viewed' }), schema: { params: RegistrationParams } },
    async (request, reply) => {
      const { event, registration } = await findRegistration(request.em, request.params);
      const form = await loadResolvedForm(request.em, event, request.t);
      const rows = answerRows(form, registration.answers, request.t, request.locale);
      return reply.page('admin/registration-detail', {
        event,
        registration,
        typeLabel: structureTypeLabel(event.structureTypes, registration.structureType),
        sides: sidesOf(event),
        personSide: personSide(event, registration),
        typeSide: sideLabel(sidesOf(event), typeSide(sidesOf(event), event.structureTypes, registration.structureType)),
        answers: rows.filter((row) => !row.removed),
        removed: rows.filter((row) => row.removed),
        // Shown to those who may change registrations (not viewers), to hand to a person without an address.
        manageUrl: `${app.mail.settings.publicUrl}/r/${registration.token}`,
      });
    },
  );

  // Replaces the attendee's private link (the old one answers 404 from now on), optionally emailing the new one.
  app.post(
    '/admin/events/:id/registrations/:registrationId/new-link',
    { config: onEvent('organiser'), schema: { params: RegistrationParams, body } },
    async (request, reply) => {
      const { event, registration } = await findRegistration(request.em, request.params);
      // Without an address there is nobody to send it to: the organiser hands over the link shown on the page.
      const notify = formText(request.body, 'notify') === 'yes' && registration.email !== '';
      await reissuePrivateLink(request.em, registration, { mail: notify ? app.mail.settings : undefined });
      return redirectWithNotice(
        reply,
        `/admin/events/${event.id}/registrations/${registration.id}`,
        notify ? 'privateLinkSent' : 'privateLinkIssued',
      );
    },
  );

  // One person's side (volet), apart from their structure type's; blank: their type's again.
  app.post(
    '/admin/events/:id/registrations/:registrationId/side',
    { config: onEvent('organiser'), schema: { params: RegistrationParams, body } },
    async (request, reply) => {
      const { event, registration } = await findRegistration(request.em, request.params);
      await setRegistrationSide(request.em, event, registration, formText(request.body, 'side') || null);
      return redirectWithNotice(reply, `/admin/events/${event.id}/registrations/${registration.id}`, 'sideSaved');
    },
  );
}
