import { roleAllows } from '../access/access.service.js';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Event } from '../events/event.entity.js';
import { eventSnapshotById } from './event-cache.js';
import type { FastifyInstance } from 'fastify';
import { onEvent, onEventRow } from '../shared/route-policy.js';
import { personSide } from '../events/sides.js';
import { setRegistrationSide } from './registration-side.js';
import type { Config } from '../config.js';
import { requireApiToken } from '../organisers/guards.js';
import { IdParams, StringEnum, errorResponses } from '../shared/api-schemas.js';
import { notFound } from '../errors.js';
import { exportAnswers } from '../forms/answers.js';
import { loadDefinition } from '../forms/form.service.js';
import { apiErrorFields, apiSubmission } from '../forms/registration-form.js';
import { REGISTRATION_STATUSES, Registration } from './registration.entity.js';
import { updateRegistration } from './registration-changes.js';
import { register } from './registration.service.js';
import { type RegistrationRow, listRegistrations } from './registration-rows.js';
import { registerOnce, requestHash } from './idempotency.service.js';
import { isInvited } from '../cycles/invitation.service.js';
import { AppError } from '../errors.js';

const Status = StringEnum(REGISTRATION_STATUSES);

const AnswersBody = Type.Record(Type.String({ maxLength: 64 }), Type.Unknown(), {
  maxProperties: 200,
  description:
    "Answers to the form's other questions, keyed by field key (GET /api/v1/events/:id/form): text, number, true/false, an option key, a list of option keys, a list of session ids for a group preference",
});

const RegistrationBody = Type.Object({
  firstName: Type.String({ maxLength: 1000 }),
  lastName: Type.String({ maxLength: 1000 }),
  email: Type.Optional(
    Type.String({
      maxLength: 1000,
      description: 'Optional (a registration taken by phone or on paper): without one, the person is sent nothing',
    }),
  ),
  organisation: Type.String({ maxLength: 1000 }),
  structureType: Type.String({ maxLength: 200, description: "A key of the event's structureTypes" }),
  consent: Type.Boolean({ description: 'The attendee agreed to the processing of their personal data' }),
  locale: Type.Optional(StringEnum(['fr', 'en'] as const, { description: "The language of the person's emails" })),
  directoryConsent: Type.Optional(
    Type.Boolean({ description: "List the attendee's structure in the network's directory (default false)" }),
  ),
  answers: Type.Optional(AnswersBody),
});

/** One object of optional fields: each one given changes, the others stay (src/registrations/registration-changes.ts). */
export const RegistrationPatchBody = Type.Object(
  {
    firstName: Type.Optional(Type.String({ maxLength: 1000 })),
    lastName: Type.Optional(Type.String({ maxLength: 1000 })),
    email: Type.Optional(Type.String({ maxLength: 1000 })),
    organisation: Type.Optional(Type.String({ maxLength: 1000 })),
    structureType: Type.Optional(Type.String({ maxLength: 200, description: "A key of the event's structureTypes" })),
    answers: Type.Optional(
      Type.Record(Type.String({ maxLength: 64 }), Type.Unknown(), {
        maxProperties: 200,
        description: 'Answers to change, keyed by field key (the others stay), as for a registration',
      }),
    ),
    status: Type.Optional(
      StringEnum(REGISTRATION_STATUSES, {
        description:
          'confirmed takes a seat (409 over_capacity when the event is full, unless overCapacity), waitlisted frees it without promoting anyone, cancelled frees it for the first person waiting',
      }),
    ),
    side: Type.Optional(
      Type.Union([Type.String({ maxLength: 64 }), Type.Null()], {
        description: "The person's side (volet), a key of the event's sides; null: their structure type's side",
      }),
    ),
    overCapacity: Type.Optional(
      Type.Boolean({ description: 'With status confirmed: confirm even when the event is full' }),
    ),
  },
  { additionalProperties: false },
);

const RegistrationResponse = Type.Object(
  {
    id: Type.Integer(),
    eventId: Type.Integer(),
    status: Status,
    firstName: Type.String(),
    lastName: Type.String(),
    email: Type.String({ description: 'Empty when the person gave none' }),
    organisation: Type.String(),
    structureType: Type.String(),
    side: Type.String({ description: "The person's side (volet): set by hand, else their structure type's" }),
    sideSetByHand: Type.Boolean(),
    groupId: Type.Union([Type.Integer(), Type.Null()]),
    structureId: Type.Union([Type.Integer(), Type.Null()], {
      description: 'The structure (GET /api/v1/structures/:id)',
    }),
    directoryConsent: Type.Boolean({ description: 'The attendee asked to list their structure in the directory' }),
    answers: Type.Record(Type.String(), Type.Unknown()),
    locale: Type.String(),
    /** The attendee's private link: only for tokens of roles that may change registrations (not viewers). */
    manageUrl: Type.Optional(Type.String()),
    createdAt: Type.String(),
    updatedAt: Type.String(),
  },
  { $id: 'Registration' },
);
export { RegistrationResponse };

type EventSides = Pick<Event, 'sides' | 'structureTypes'>;

function jsonOf(r: Registration | RegistrationRow, publicUrl: string, withLink: boolean, event: EventSides) {
  return {
    id: r.id,
    eventId: r.event.id,
    status: r.status,
    firstName: r.firstName,
    lastName: r.lastName,
    email: r.email,
    organisation: r.organisation,
    structureType: r.structureType,
    // The event is in the identity map wherever registrations are listed or changed.
    side: event.structureTypes ? personSide(event, r) : (r.side ?? ''),
    sideSetByHand: r.side != null,
    groupId: r.group?.id ?? null,
    structureId: r.structure?.id ?? null,
    directoryConsent: r.directoryConsent,
    answers: exportAnswers(r.answers),
    locale: r.locale,
    ...(withLink ? { manageUrl: `${publicUrl}/r/${r.token}` } : {}),
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}

type RegistrationJson = ReturnType<typeof jsonOf>;

/**
 * `withLink`: whether the caller may change registrations, and so may hold the attendee's private link.
 * `event`: the registration's event, its sides and types read for the person's side; by default the
 * one in the identity map (a new registration holds only a reference: its route passes the event it used).
 * A row (registration-rows.ts) holds only its event's id, so comes with its event.
 */
export function registrationJson(
  r: Registration,
  publicUrl: string,
  withLink?: boolean,
  event?: EventSides,
): RegistrationJson;
export function registrationJson(
  r: RegistrationRow,
  publicUrl: string,
  withLink: boolean,
  event: EventSides,
): RegistrationJson;
export function registrationJson(
  r: Registration | RegistrationRow,
  publicUrl: string,
  withLink = true,
  event?: EventSides,
): RegistrationJson {
  return jsonOf(r, publicUrl, withLink, event ?? (r as Registration).event);
}

export default async function registrationApiRoutes(fastify: FastifyInstance, opts: { config: Config }) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.addHook('onRequest', requireApiToken);
  const tags = ['registrations'];
  const security = [{ bearer: [] }];

  app.post(
    '/api/v1/events/:id/registrations',
    {
      config: onEvent('organiser', { rateLimit: 'apiRegister' }),
      schema: {
        tags,
        security,
        params: IdParams,
        body: RegistrationBody,
        // 403: the event is by invitation and this address holds no valid invitation.
        response: { 201: Type.Ref('Registration'), 403: Type.Ref('Error'), ...errorResponses },
        headers: Type.Object({
          'idempotency-key': Type.Optional(
            Type.String({
              minLength: 1,
              maxLength: 200,
              description:
                'Retry safely: the same key with the same body answers the first response again (kept 24 h); with another body, 422 idempotency_key_reused',
            }),
          ),
        }),
        summary: 'Register an attendee: confirmed while seats remain, then waitlisted',
      },
    },
    async (request, reply) => {
      // The event, its programme and its form from memory (src/registrations/event-cache.ts): nothing is
      // read before the registration's one transaction. Shared by requests: read only, never flushed.
      const { event, definition } = await eventSnapshotById(fastify.orm, request.params.id);
      const { locale, answers, ...builtIns } = request.body;
      const submission = apiSubmission(definition, builtIns, answers);
      // An event by invitation takes, through the API too, only the addresses invited (403 otherwise).
      const invited =
        event.registrationMode === 'invitation' && (await isInvited(request.em, event, builtIns.email ?? ''));
      const options = {
        locale: locale ?? 'fr',
        mail: fastify.mail.settings,
        invited,
        emailOptional: true,
        definition,
      };
      const key = request.headers['idempotency-key'];
      const once = key
        ? { scope: `api:${request.organiser!.id}:${event.id}`, key, requestHash: requestHash(request.body) }
        : null;
      const outcome = await (once
        ? registerOnce(
            request.em,
            once,
            (r) => ({ status: 201, body: registrationJson(r, opts.config.publicUrl, true, event) }),
            (inTransaction) => register(request.em, event, submission, { ...options, inTransaction }),
          )
        : register(request.em, event, submission, options).then((value) => ({ kind: 'new' as const, value }))
      ).catch((error) => {
        throw apiErrorFields(error);
      });
      if (outcome.kind === 'mismatch')
        throw new AppError('idempotency_key_reused', [{ field: 'Idempotency-Key', code: 'idempotency_key_reused' }]);
      if (outcome.kind === 'replay')
        return reply.code(outcome.record.status).header('idempotent-replayed', 'true').send(outcome.record.body);
      return reply.code(201).send(registrationJson(outcome.value, opts.config.publicUrl, true, event));
    },
  );

  app.get(
    '/api/v1/events/:id/registrations',
    {
      config: onEvent('viewer', { audit: 'viewed' }),
      schema: {
        tags,
        security,
        params: IdParams,
        querystring: Type.Object({
          limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
          offset: Type.Integer({ minimum: 0, maximum: 1_000_000_000, default: 0 }),
          status: Type.Optional(Status),
          structureType: Type.Optional(Type.String({ maxLength: 64 })),
        }),
        response: {
          200: Type.Object({ items: Type.Array(Type.Ref('Registration')), total: Type.Integer() }),
          ...errorResponses,
        },
        summary: 'Registrations of an event, oldest first',
      },
    },
    async (request) => {
      // The event (its types and sides) from the one-second memory the API's other reads share.
      const { event } = await eventSnapshotById(app.orm, request.params.id);
      const { items, total } = await listRegistrations(request.em, event.id, request.query);
      // A viewer reads the list but must not get the links that change (or cancel) a registration.
      const withLink = roleAllows(request.eventRole, 'organiser');
      return { items: items.map((r) => registrationJson(r, opts.config.publicUrl, withLink, event)), total };
    },
  );

  app.patch(
    '/api/v1/registrations/:id',
    {
      config: onEventRow('registration', 'organiser', 'id'),
      schema: {
        tags,
        security,
        params: IdParams,
        querystring: Type.Object({
          notify: Type.Boolean({
            default: true,
            description: 'false: nobody is told (no email, no calendar update)',
          }),
        }),
        body: RegistrationPatchBody,
        response: { 200: Type.Ref('Registration'), ...errorResponses },
        summary:
          "Change a registration's details, answers (checked by the form) or status; the person gets the email and calendar update of a change of status",
      },
    },
    async (request) => {
      const registration = await request.em.findOne(
        Registration,
        { id: request.params.id },
        { populate: ['event', 'group'] },
      );
      if (!registration) throw notFound();
      const { overCapacity, side, ...changes } = request.body;
      if (changes.answers) apiSubmission(await loadDefinition(request.em, registration.event), {}, changes.answers);
      await updateRegistration(request.em, registration, changes, {
        mail: request.query.notify ? fastify.mail.settings : undefined,
        overCapacity,
      }).catch((error) => {
        throw apiErrorFields(error);
      });
      if (side !== undefined) await setRegistrationSide(request.em, registration.event, registration, side);
      return registrationJson(registration, opts.config.publicUrl);
    },
  );
}
