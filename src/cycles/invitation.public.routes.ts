import type { EntityManager } from '@mikro-orm/core';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { AppError, ValidationError } from '../errors.js';
import { registrationWindow } from '../events/event-rules.js';
import { loadResolvedForm } from '../forms/form.service.js';
import { type FormView, formView } from '../forms/render.js';
import { Registration } from '../registrations/registration.entity.js';
import { FormBodySchema } from '../shared/form-body.js';
import { publicRoute } from '../shared/route-policy.js';
import type { Invitation } from './invitation.entity.js';
import { findInvitationByToken, registerInvited, registrationOf } from './invitation.service.js';
import { meetingsOf } from './meetings.js';

const TokenParams = Type.Object({ token: Type.String({ maxLength: 100 }) });
const body = FormBodySchema;

/** The form without its email field: the invitation's address is the one registered. */
function withoutEmail(form: FormView): FormView {
  return { ...form, sections: form.sections.map((s) => ({ ...s, fields: s.fields.filter((f) => f.key !== 'email') })) };
}

/**
 * What is known of the invited person: the name, organisation and type they gave when they last
 * registered to another event with this address (data not yet anonymised), for the form to start from.
 */
async function knownValues(em: EntityManager, invitation: Invitation): Promise<Record<string, string>> {
  const last = await em.findOne(
    Registration,
    { emailKey: invitation.emailKey, anonymisedAt: null },
    { orderBy: { createdAt: 'desc', id: 'desc' } },
  );
  const types = invitation.event.structureTypes.map((type) => type.key);
  return {
    email: invitation.email,
    ...(last
      ? {
          firstName: last.firstName,
          lastName: last.lastName,
          organisation: last.organisation,
          ...(types.includes(last.structureType) ? { structureType: last.structureType } : {}),
        }
      : {}),
  };
}

/** The personal link of an invitation: a prefilled form, one button, then the usual private page. */
export default async function invitationPublicRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  // Opening the link changes nothing (mail scanners open links too): registering takes the button.
  app.get('/i/:token', { config: publicRoute(), schema: { params: TokenParams } }, async (request, reply) => {
    const invitation = await findInvitationByToken(request.em, request.params.token);
    const event = invitation.event;
    const existing = await registrationOf(request.em, invitation);
    const resolved = await loadResolvedForm(request.em, event, request.t);
    const values = await knownValues(request.em, invitation);
    return reply.page('public/invitation', {
      invitation,
      event,
      meetings: meetingsOf(event),
      registered: existing !== null,
      window: registrationWindow(event),
      form: withoutEmail(formView(resolved, values, [], request.t)),
    });
  });

  app.post(
    '/i/:token',
    {
      config: publicRoute({ rateLimit: 'register' }),
      schema: { params: TokenParams, body },
      preHandler: app.csrfProtection,
    },
    async (request, reply) => {
      const invitation = await findInvitationByToken(request.em, request.params.token);
      const event = invitation.event;
      const values = request.body ?? {};
      try {
        const registration = await registerInvited(request.em, invitation, values, {
          locale: request.locale,
          mail: app.mail.settings,
        });
        return reply.redirect(`/r/${registration.token}?new=1`, 303);
      } catch (error) {
        if (!(error instanceof AppError) || error.statusCode >= 500) throw error;
        const status = error instanceof ValidationError ? 400 : error.statusCode;
        const resolved = await loadResolvedForm(request.em, event, request.t);
        return reply.page(
          'public/invitation',
          {
            invitation,
            event,
            meetings: meetingsOf(event),
            registered: error.code === 'already_registered',
            window: registrationWindow(event),
            form: withoutEmail(formView(resolved, values, error.details, request.t)),
            errors: error.details,
            problem: error.details.length || error.code === 'already_registered' ? null : error.code,
          },
          status,
        );
      }
    },
  );
}
