import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { onEventRow } from '../shared/route-policy.js';
import { notFound } from '../errors.js';
import { requireApiToken } from '../organisers/guards.js';
import { Registration } from '../registrations/registration.entity.js';
import { IdParams, errorResponses } from '../shared/api-schemas.js';
import { erasePerson, exportForRole, exportPerson } from './privacy.service.js';

/** A person's access and erasure requests through the API, by registration id. */
export default async function privacyApiRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.addHook('onRequest', requireApiToken);
  const tags = ['personal data'];
  const security = [{ bearer: [] }];

  async function findRegistration(em: import('@mikro-orm/core').EntityManager, id: number) {
    const registration = await em.findOne(Registration, { id }, { populate: ['event'] });
    if (!registration) throw notFound();
    return registration;
  }

  app.get(
    '/api/v1/registrations/:id/personal-data',
    {
      config: onEventRow('registration', 'viewer', 'id', { audit: 'exported' }),
      schema: {
        tags,
        security,
        params: IdParams,
        response: {
          200: Type.Object(
            {},
            {
              additionalProperties: true,
              description:
                '{exportedAt, event, registration (with every answer), attendance (each meeting of a cycle: state, when, recorded by), emails (every email stored for the person), survey (null, or sent, answered and any named answers)}',
            },
          ),
          ...errorResponses,
        },
        summary: 'Everything held about the person of this registration (access request)',
      },
    },
    async (request) => {
      const registration = await findRegistration(request.em, request.params.id);
      return exportForRole(await exportPerson(request.em, registration.event, registration.id), request.eventRole);
    },
  );

  app.delete(
    '/api/v1/registrations/:id',
    {
      config: onEventRow('registration', 'organiser', 'id'),
      schema: {
        tags,
        security,
        params: IdParams,
        response: { 204: Type.Null(), ...errorResponses },
        summary:
          'Erase the person of this registration: their seat goes to the first person waiting, their registration and emails are deleted',
      },
    },
    async (request, reply) => {
      const registration = await findRegistration(request.em, request.params.id);
      await erasePerson(request.em, registration.event, registration.id, {
        organiserId: request.organiser?.id ?? null,
        via: 'api',
        mail: fastify.mail.settings,
        emlDir: fastify.mail.outboxDir,
      });
      return reply.code(204).send(null);
    },
  );
}
