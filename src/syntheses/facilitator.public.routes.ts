import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { structureTypeLabel } from '../events/structure-types.js';
import { ValidationError } from '../errors.js';
import { RowId } from '../shared/api-schemas.js';
import { FormBodySchema, formRawText, formText } from '../shared/form-body.js';
import { facilitatorLink } from '../shared/route-policy.js';
import { renderMarkdown } from './markdown.js';
import {
  type FacilitatorScope,
  checkInMember,
  facilitatorScope,
  findSynthesis,
  groupMembers,
  saveSynthesis,
} from './syntheses.service.js';

// A facilitator link's token: 256 random bits in base64url.
const TokenParams = Type.Object({ token: Type.String({ maxLength: 100 }) });
const MemberParams = Type.Object({ token: Type.String({ maxLength: 100 }), registrationId: RowId });
const PageQuery = Type.Object({ saved: Type.Optional(Type.String({ maxLength: 10 })) });
const body = FormBodySchema;

/**
 * The group facilitator's page, opened by their personal link (/f/<token>): their group's list with
 * a check-in button each, and the group's synthesis to write. Nothing else of the event: no other
 * group, no registration outside the group, no organiser page (policy `facilitatorLink`).
 */
export default async function facilitatorPublicRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  async function showPage(
    request: FastifyRequest,
    reply: FastifyReply,
    token: string,
    scope: FacilitatorScope,
    extra: { values?: Record<string, string>; errors?: unknown[]; saved?: boolean } = {},
    status = 200,
  ) {
    const members = await groupMembers(request.em, scope);
    const synthesis = await findSynthesis(request.em, scope.group);
    const text = extra.values?.text ?? synthesis?.text ?? '';
    return reply.page(
      'public/facilitator',
      {
        event: scope.event,
        group: scope.group,
        token,
        members,
        synthesis,
        preview: synthesis?.text ? renderMarkdown(synthesis.text) : '',
        values: { text },
        label: (key: string) => structureTypeLabel(scope.event.structureTypes, key),
        labelFor: () => request.t('syntheses.textLabel'),
        ...extra,
      },
      status,
    );
  }

  app.get(
    '/f/:token',
    { config: facilitatorLink(), schema: { params: TokenParams, querystring: PageQuery } },
    async (request, reply) => {
      const scope = await facilitatorScope(request.em, request.params.token);
      return showPage(request, reply, request.params.token, scope, { saved: request.query.saved === '1' });
    },
  );

  app.post(
    '/f/:token/check-in/:registrationId',
    { config: facilitatorLink(), schema: { params: MemberParams, body }, preHandler: app.csrfProtection },
    async (request, reply) => {
      const scope = await facilitatorScope(request.em, request.params.token);
      const present = formText(request.body, 'present') !== '0';
      const registration = await checkInMember(request.em, scope, request.params.registrationId, present);
      return reply.redirect(`/f/${request.params.token}#r-${registration.id}`, 303);
    },
  );

  app.post(
    '/f/:token/synthesis',
    { config: facilitatorLink(), schema: { params: TokenParams, body }, preHandler: app.csrfProtection },
    async (request, reply) => {
      const { token } = request.params;
      const scope = await facilitatorScope(request.em, token);
      const text = formRawText(request.body, 'text');
      try {
        await saveSynthesis(request.em, scope.group, text, 'facilitator');
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        return showPage(request, reply, token, scope, { values: { text }, errors: error.details }, 400);
      }
      return reply.redirect(`/f/${token}?saved=1#synthesis`, 303);
    },
  );
}
