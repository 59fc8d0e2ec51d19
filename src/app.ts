import { serializeRequest } from './shared/log-redaction.js';
import { lazySchemaCompilers } from './plugins/schema-compilers.js';
import structureAdminRoutes from './structures/structure.admin.routes.js';
import structureApiRoutes from './structures/structure.api.routes.js';
import structurePublicRoutes from './structures/structure.public.routes.js';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Config } from './config.js';
import type { Orm } from './db/orm.js';
import { apiEvent, keepPublicPagesFor } from './registrations/event-cache.js';
import { rememberStructureKeysFor } from './structures/structure-keys.js';
import eventAdminRoutes from './events/event.admin.routes.js';
import eventApiRoutes from './events/event.api.routes.js';
import eventPublicRoutes from './events/event.public.routes.js';
import feedRoutes from './events/feeds.routes.js';
import shareAdminRoutes from './events/share.admin.routes.js';
import editionAdminRoutes from './editions/edition.admin.routes.js';
import editionApiRoutes from './editions/edition.api.routes.js';
import { unplacedAfterPublication } from './groups/placement.js';
import type { EventRouteDeps } from './events/event-routes.deps.js';
import { EventResponse } from './events/event.schemas.js';
import formAdminRoutes from './forms/form.admin.routes.js';
import formApiRoutes from './forms/form.api.routes.js';
import mailAdminRoutes from './mail/mail.admin.routes.js';
import attendeeEmailsAdminRoutes from './mail/attendee-emails.admin.routes.js';
import { announceByMail, attendeesConcerned } from './mail/notifications.js';
import accountAdminRoutes from './organisers/account.admin.routes.js';
import authRoutes from './organisers/auth.routes.js';
import passwordResetRoutes from './organisers/password-reset.routes.js';
import { requestPasswordReset } from './mail/account-mail.js';
import { createOwnedEvent, memberEventIds, rememberRolesFor } from './access/access.service.js';
import { ACCESS_MEMO_TTL_MS } from './shared/memo.js';
import { rememberTokensFor } from './organisers/organiser.service.js';
import { setUpFirstOrganiser, setupOpen } from './access/setup.service.js';
import teamAdminRoutes from './access/team.admin.routes.js';
import auditAdminRoutes from './audit/audit.admin.routes.js';
import access from './plugins/access.js';
import boundary from './plugins/boundary.js';
import database from './plugins/database.js';
import errors from './plugins/errors.js';
import i18n from './plugins/i18n.js';
import jobs from './plugins/jobs.js';
import mail from './plugins/mail.js';
import rateLimits from './plugins/rate-limits.js';
import security from './plugins/security.js';
import turns from './plugins/turns.js';
import views from './plugins/views.js';
import checkInAdminRoutes from './registrations/check-in.admin.routes.js';
import attendanceAdminRoutes from './cycles/attendance.admin.routes.js';
import attendanceApiRoutes from './cycles/attendance.api.routes.js';
import attendancePublicRoutes from './cycles/attendance.public.routes.js';
import invitationAdminRoutes from './cycles/invitation.admin.routes.js';
import invitationPublicRoutes from './cycles/invitation.public.routes.js';
import registrationAdminRoutes from './registrations/registration.admin.routes.js';
import registrationChangesAdminRoutes from './registrations/registration-changes.admin.routes.js';
import registrationListAdminRoutes from './registrations/registration-list.admin.routes.js';
import registrationApiRoutes, { RegistrationResponse } from './registrations/registration.api.routes.js';
import registrationPublicRoutes from './registrations/registration.public.routes.js';
import { countByStatus } from './registrations/registration.service.js';
import privacyAdminRoutes from './privacy/privacy.admin.routes.js';
import privacyApiRoutes from './privacy/privacy.api.routes.js';
import privacyPublicRoutes from './privacy/privacy.public.routes.js';
import { checklistFacts } from './reports/checklist-facts.js';
import reportAdminRoutes from './reports/report.admin.routes.js';
import reportApiRoutes, { BreakdownResponse } from './reports/report.api.routes.js';
import groupsAdminRoutes from './groups/groups.admin.routes.js';
import printAdminRoutes from './groups/print.admin.routes.js';
import groupsApiRoutes, { GroupsResponse } from './groups/groups.api.routes.js';
import embedAdminRoutes from './embed/embed.admin.routes.js';
import embedPublicRoutes from './embed/embed.public.routes.js';
import directoryAdminRoutes from './directory/directory.admin.routes.js';
import directoryPublicRoutes from './directory/directory.public.routes.js';
import networkAdminRoutes from './network/network.admin.routes.js';
import networkApiRoutes, { NetworkStatisticsResponse } from './network/network.api.routes.js';
import { ErrorSchema } from './shared/api-schemas.js';
import systemRoutes from './system/system.routes.js';
import facilitatorPublicRoutes from './syntheses/facilitator.public.routes.js';
import materialsAdminRoutes from './materials/materials.admin.routes.js';
import materialsPublicRoutes from './materials/materials.public.routes.js';
import synthesesAdminRoutes from './syntheses/syntheses.admin.routes.js';
import surveyAdminRoutes from './surveys/survey.admin.routes.js';
import surveyApiRoutes from './surveys/survey.api.routes.js';
import surveyPublicRoutes from './surveys/survey.public.routes.js';
import { fromProjectRoot } from './shared/paths.js';

export interface AppOptions {
  config: Config;
  orm: Orm;
  /** Close the ORM with the app (the server does; tests that share an ORM across apps do not). */
  closeOrm?: boolean;
  logger?: boolean;
}

const publicDir = fromProjectRoot('public');

/** Builds the whole service on an open database: plugins first, then each domain's routes. */
export async function buildApp({ config, orm, closeOrm = true, logger = true }: AppOptions): Promise<FastifyInstance> {
  const schemas = lazySchemaCompilers();
  const app = Fastify({
    logger: logger ? { level: config.logLevel, serializers: { req: serializeRequest } } : false,
    // Behind one reverse proxy: trust exactly one hop of X-Forwarded-For, so a client cannot spoof its address.
    trustProxy: config.trustProxy ? (_address: string, hop: number) => hop < 1 : false,
    bodyLimit: 1024 * 1024,
    // On close: stop accepting, close idle keep-alive connections, and still answer (then close) the
    // requests that arrive on busy ones rather than refusing them with a 503.
    forceCloseConnections: 'idle',
    return503OnClosing: false,
    // A body trickled a byte at a time must not hold a connection open for ever (see Config.timeouts).
    requestTimeout: config.timeouts.requestSeconds * 1000,
    connectionTimeout: config.timeouts.connectionSeconds * 1000,
    http: {
      headersTimeout: config.timeouts.requestSeconds * 1000,
      // How often Node looks for requests over their time (default 30 s, coarser than a short timeout).
      connectionsCheckingInterval: Math.min(30_000, config.timeouts.requestSeconds * 250),
    },
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true } },
    schemaController: {
      compilersFactory: { buildValidator: schemas.buildValidator, buildSerializer: schemas.buildSerializer },
    },
  });
  app.decorate('compileAllSchemas', schemas.compileAll);

  await app.register(turns);
  await app.register(database, { orm, closeOrm });
  keepPublicPagesFor(orm, config.publicCacheSeconds * 1000);
  rememberStructureKeysFor(orm, config.publicCacheSeconds * 1000);
  rememberTokensFor(orm, ACCESS_MEMO_TTL_MS);
  rememberRolesFor(orm, ACCESS_MEMO_TTL_MS);
  await app.register(mail, { config });
  await app.register(jobs, { config });
  await app.register(errors);
  await app.register(boundary);
  await app.register(access);
  await app.register(security, { config });
  await app.register(rateLimits, { config });
  await app.register(i18n);
  await app.register(views);
  await app.register(fastifyStatic, { root: publicDir, prefix: '/static/', maxAge: '1h' });
  await app.register(swagger, {
    openapi: {
      info: { title: 'Atelier API', version: '1', description: 'Events, programme and registrations of Atelier.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => String(json.$id ?? `def-${i}`) },
  });
  for (const schema of [
    ErrorSchema,
    EventResponse,
    RegistrationResponse,
    BreakdownResponse,
    GroupsResponse,
    NetworkStatisticsResponse,
  ])
    app.addSchema(schema);

  // The lower floors (events/, organisers/) get what they need from access/, mail/ and registrations/ here.
  const eventDeps: EventRouteDeps = {
    memberEventIds,
    createOwnedEvent,
    countByStatus,
    checklistFacts,
    attendeesConcerned,
    unplacedAfterPublication,
    eventForApi: (id) => apiEvent(orm, id),
    announceChanges: (em, event) => announceByMail(app.mail.settings)(em, event),
  };

  await app.register(systemRoutes, { config });
  await app.register(authRoutes, { setupOpen, setUpFirstOrganiser });
  await app.register(passwordResetRoutes, { requestPasswordReset });
  await app.register(accountAdminRoutes);
  await app.register(teamAdminRoutes);
  await app.register(auditAdminRoutes);
  await app.register(eventPublicRoutes, { config });
  await app.register(feedRoutes, { config });
  await app.register(registrationPublicRoutes, { config });
  await app.register(privacyPublicRoutes);
  await app.register(attendancePublicRoutes);
  await app.register(invitationPublicRoutes);
  await app.register(embedPublicRoutes, { config });
  await app.register(embedAdminRoutes, { config });
  await app.register(privacyAdminRoutes);
  await app.register(privacyApiRoutes);
  await app.register(eventAdminRoutes, eventDeps);
  await app.register(shareAdminRoutes, { config });
  await app.register(editionAdminRoutes);
  await app.register(registrationAdminRoutes);
  await app.register(registrationChangesAdminRoutes);
  await app.register(registrationListAdminRoutes);
  await app.register(formAdminRoutes);
  await app.register(mailAdminRoutes);
  await app.register(attendeeEmailsAdminRoutes);
  await app.register(checkInAdminRoutes);
  await app.register(attendanceAdminRoutes);
  await app.register(invitationAdminRoutes);
  await app.register(reportAdminRoutes);
  await app.register(groupsAdminRoutes);
  await app.register(printAdminRoutes);
  await app.register(facilitatorPublicRoutes);
  await app.register(synthesesAdminRoutes, { config });
  await app.register(materialsAdminRoutes, { config });
  await app.register(materialsPublicRoutes, { config });
  await app.register(eventApiRoutes, { ...eventDeps, config });
  await app.register(editionApiRoutes, { config });
  await app.register(registrationApiRoutes, { config });
  await app.register(formApiRoutes);
  await app.register(reportApiRoutes);
  await app.register(groupsApiRoutes);
  await app.register(attendanceApiRoutes);
  await app.register(directoryPublicRoutes, { config });
  await app.register(directoryAdminRoutes);
  await app.register(networkAdminRoutes);
  await app.register(networkApiRoutes);
  await app.register(structureAdminRoutes);
  await app.register(structurePublicRoutes);
  await app.register(structureApiRoutes);
  await app.register(surveyPublicRoutes, { config });
  await app.register(surveyAdminRoutes, { config });
  await app.register(surveyApiRoutes, { config });
  return app;
}
