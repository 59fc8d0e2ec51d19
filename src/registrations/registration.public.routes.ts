import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { publicRoute } from '../shared/route-policy.js';
import type { Config } from '../config.js';
import { buildCalendar } from '../calendar/ics.js';
import { publicEventSnapshot, sendCachedPage, withCurrentSeats } from './event-cache.js';
import { plenaries, registrationWindow } from '../events/event-rules.js';
import { structureTypeLabel } from '../events/structure-types.js';
import { AppError, ValidationError } from '../errors.js';
import { answerRows, formValuesFromAnswers } from '../forms/answers.js';
import { loadResolvedForm } from '../forms/form.service.js';
import { formView } from '../forms/render.js';
import { resolveForm } from '../forms/resolve.js';
import { FormBodySchema } from '../shared/form-body.js';
import { cancel, checkSubmission, findByToken, register, updateAnswers } from './registration.service.js';
import { NONCE_FIELD, issueFormNonce, readFormNonce, spamReason } from './form-nonce.js';
import { inviteEntries, inviteSequence } from '../mail/notifications.js';
import { registerOnce, requestHash } from './idempotency.service.js';
import { emailPrivateLink } from './private-link.js';
import { Registration } from './registration.entity.js';
import { attendanceOf } from '../cycles/attendance.service.js';
import { isCycle, meetingsOf } from '../cycles/meetings.js';
import {
  directoryConsentGiven,
  setDirectoryConsent,
  suggestedStructureNames,
} from '../structures/structure.service.js';
import { formatSize, materialsFor } from '../materials/materials.service.js';

const SlugParams = Type.Object({ slug: Type.String({ maxLength: 200 }) });
// A private link's token: 256 random bits in base64url.
const TokenParams = Type.Object({ token: Type.String({ maxLength: 100 }) });
const body = FormBodySchema;

/** What the person sent, without the CSRF token (not theirs, and it may differ on a resend). */
function submittedAnswers(values: Record<string, unknown>): Record<string, unknown> {
  const { _csrf: _ignored, ...answers } = values;
  return answers;
}

export default async function registrationPublicRoutes(fastify: FastifyInstance, opts: { config: Config }) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get('/e/:slug/register', { config: publicRoute(), schema: { params: SlugParams } }, async (request, reply) => {
    // The page everyone opens when the link goes out: rendered once per language and kept briefly (src/registrations/event-cache.ts).
    const { event, definition } = await publicEventSnapshot(app.orm, request.params.slug);
    return sendCachedPage(
      reply,
      app.orm,
      `register:${event.slug}`,
      'public/register',
      async () => ({
        event: await withCurrentSeats(app.orm, event),
        form: formView(resolveForm(definition, event, request.t), {}, [], request.t),
        window: registrationWindow(event),
        // The page's own address, whatever spelling of it the first visitor used.
        path: `/e/${event.slug}/register`,
        directoryBox: true,
        structureNames: await suggestedStructureNames(app.orm.em.fork()),
      }),
      { formNonce: issueFormNonce(opts.config.sessionKey, event.id) },
    );
  });

  app.post(
    '/e/:slug/register',
    {
      config: publicRoute({ rateLimit: 'register' }),
      schema: { params: SlugParams, body },
      preHandler: app.csrfProtection,
    },
    async (request, reply) => {
      const { event, definition } = await publicEventSnapshot(app.orm, request.params.slug);
      const values = request.body ?? {};
      const nonce = readFormNonce(opts.config.sessionKey, event.id, values[NONCE_FIELD]);
      const spam = spamReason(nonce, values, opts.config.formMinFillSeconds);
      const options = {
        locale: request.locale,
        mail: app.mail.settings,
        definition,
      };
      const formNonce = nonce ? values[NONCE_FIELD] : issueFormNonce(opts.config.sessionKey, event.id);
      try {
        if (spam || !nonce) {
          // Robots (honeypot filled, no nonce of ours) get a generic refusal and nothing is stored; one
          // with mistakes, or sent while registration is closed, is answered as usual, so people who
          // pasted fast are told what to fix.
          await checkSubmission(request.em, event, values, options);
          // Browser autofill can beat the minimum fill time: the same form comes back, answers kept,
          // with its nonce (and so its time), and sending it again registers once.
          if (spam === 'too_fast') throw new AppError('form_too_fast');
          request.log.info({ reason: spam, event: event.id }, 'registration refused as spam');
          return reply.page('public/registration-refused', { event }, 400);
        }
        // A second submit of the same rendered form with the same answers (double click, retry, back
        // and resend) lands on the first one's page. The key is bound to the answers: the same form
        // sent again for someone else (a shared computer, back and change the name) is a new
        // registration, never a look at the first person's private page.
        const bodyHash = requestHash(submittedAnswers(values));
        const outcome = await registerOnce(
          request.em,
          { scope: `form:${event.id}`, key: `${nonce.id}.${bodyHash}`, requestHash: bodyHash },
          () => ({ status: 303, body: null }),
          (inTransaction) => register(request.em, event, values, { ...options, inTransaction }),
        );
        const registration =
          outcome.kind === 'new'
            ? outcome.value
            : await request.em.findOneOrFail(Registration, { id: outcome.record.registration.id });
        return reply.redirect(`/r/${registration.token}?new=1`, 303);
      } catch (error) {
        if (!(error instanceof AppError) || error.statusCode >= 500) throw error;
        const status = error instanceof ValidationError ? 400 : error.statusCode;
        const form = formView(resolveForm(definition, event, request.t), values, error.details, request.t);
        // Already registered: offer to email the private link to that address (below the form's errors).
        const linkFor = error.code === 'already_registered' ? String(values.email ?? '') : null;
        return reply.page(
          'public/register',
          {
            event,
            form,
            window: registrationWindow(event),
            errors: error.details,
            problem: error.details.length ? null : error.code,
            formNonce,
            linkFor,
            directoryBox: true,
            directoryChecked: directoryConsentGiven(values),
            structureNames: await suggestedStructureNames(request.em),
          },
          status,
        );
      }
    },
  );

  app.post(
    '/e/:slug/private-link',
    {
      config: publicRoute({ rateLimit: 'register' }),
      schema: { params: SlugParams, body },
      preHandler: app.csrfProtection,
    },
    async (request, reply) => {
      const { event } = await publicEventSnapshot(app.orm, request.params.slug);
      const email = typeof request.body?.email === 'string' ? request.body.email.slice(0, 254) : '';
      await emailPrivateLink(request.em, event, email, app.mail.settings, new Date(), request.locale);
      // The same answer whether or not the address is registered.
      return reply.page('public/private-link-sent', { event, email });
    },
  );

  app.get(
    '/r/:token',
    {
      config: publicRoute(),
      schema: {
        params: TokenParams,
        querystring: Type.Object({
          new: Type.Optional(Type.String({ maxLength: 10 })),
          updated: Type.Optional(Type.String({ maxLength: 10 })),
          attendance: Type.Optional(Type.String({ maxLength: 10 })),
          directory: Type.Optional(Type.String({ maxLength: 10 })),
        }),
      },
    },
    async (request, reply) => {
      const registration = await findByToken(request.em, request.params.token);
      const event = registration.event;
      const form = await loadResolvedForm(request.em, event, request.t);
      // A cycle: each meeting with the person's state, and whether they may still say they will miss it.
      const states = isCycle(event) ? await attendanceOf(request.em, registration) : null;
      const now = new Date();
      const meetings = states
        ? meetingsOf(event).map((session) => {
            const state = states.get(session.id)?.state ?? 'expected';
            const open = registration.status === 'confirmed' && session.startsAt > now;
            return { session, state, canChange: open && (state === 'expected' || state === 'excused') };
          })
        : null;
      return reply.page('public/registration', {
        meetings,
        attendanceSaved: request.query.attendance ?? null,
        registration,
        event,
        plenaries: plenaries(event),
        justRegistered: request.query.new === '1',
        structureType: structureTypeLabel(event.structureTypes, registration.structureType),
        answers: answerRows(form, registration.answers, request.t, request.locale).filter((row) => !row.removed),
        canEdit: registration.status !== 'cancelled' && registrationWindow(event) === 'open',
        updated: request.query.updated === '1',
        directorySaved: request.query.directory === '1',
        showGroup: event.assignmentsPublishedAt != null,
        materials: await materialsFor(request.em, registration),
        materialSize: (bytes: number) => formatSize(bytes, request.locale),
      });
    },
  );

  // The attendee changes their answers: the form prefilled, then the same checks as at registration.
  app.get('/r/:token/edit', { config: publicRoute(), schema: { params: TokenParams } }, async (request, reply) => {
    const registration = await findByToken(request.em, request.params.token);
    const event = registration.event;
    // Added by hand without an address: they need not give one here either (as updateAnswers checks).
    const resolved = await loadResolvedForm(request.em, event, request.t, { emailOptional: registration.email === '' });
    const values = {
      ...formValuesFromAnswers(resolved, registration.answers),
      firstName: registration.firstName,
      lastName: registration.lastName,
      email: registration.email,
      organisation: registration.organisation,
      structureType: registration.structureType,
      consent: 'yes',
    };
    const locked =
      registration.status === 'cancelled'
        ? 'registration_cancelled'
        : registrationWindow(event) !== 'open'
          ? 'answers_locked'
          : null;
    return reply.page(
      'public/edit-answers',
      { registration, event, form: formView(resolved, values, [], request.t), problem: locked },
      locked ? 409 : 200,
    );
  });

  app.post(
    '/r/:token/edit',
    { config: publicRoute(), schema: { params: TokenParams, body }, preHandler: app.csrfProtection },
    async (request, reply) => {
      const registration = await findByToken(request.em, request.params.token);
      const values = request.body ?? {};
      try {
        await updateAnswers(request.em, registration, values);
        return reply.redirect(`/r/${registration.token}?updated=1`, 303);
      } catch (error) {
        if (!(error instanceof AppError) || error.statusCode >= 500) throw error;
        const status = error instanceof ValidationError ? 400 : error.statusCode;
        const form = formView(
          await loadResolvedForm(request.em, registration.event, request.t, {
            emailOptional: registration.email === '',
          }),
          values,
          error.details,
          request.t,
        );
        return reply.page(
          'public/edit-answers',
          {
            registration,
            event: registration.event,
            form,
            errors: error.details,
            problem: error.details.length ? null : error.code,
          },
          status,
        );
      }
    },
  );

  // The person lists their structure in the network's directory, or withdraws it (the card goes at once).
  app.post(
    '/r/:token/directory',
    { config: publicRoute(), schema: { params: TokenParams, body }, preHandler: app.csrfProtection },
    async (request, reply) => {
      const registration = await findByToken(request.em, request.params.token);
      if (registration.status === 'cancelled') throw new AppError('registration_cancelled');
      await setDirectoryConsent(request.em, registration, directoryConsentGiven(request.body ?? {}));
      return reply.redirect(`/r/${registration.token}?directory=1`, 303);
    },
  );

  app.get(
    '/r/:token/invite.ics',
    { config: publicRoute(), schema: { params: TokenParams } },
    async (request, reply) => {
      const registration = await findByToken(request.em, request.params.token);
      if (registration.status === 'cancelled') throw new AppError('registration_cancelled');
      // No seat yet, no invitation: a calendar would show the event as certain.
      if (registration.status === 'waitlisted') throw new AppError('registration_waitlisted');
      return reply
        .type('text/calendar; charset=utf-8')
        .header('Content-Disposition', `attachment; filename="${registration.event.slug}.ics"`)
        .send(
          buildCalendar(registration.event, {
            publicUrl: opts.config.publicUrl,
            registration,
            sessions: inviteEntries(registration.event, registration),
            sequence: inviteSequence(registration.event, registration),
          }),
        );
    },
  );

  app.get('/r/:token/cancel', { config: publicRoute(), schema: { params: TokenParams } }, async (request, reply) => {
    const registration = await findByToken(request.em, request.params.token);
    return reply.page('public/cancel', { registration, event: registration.event });
  });

  app.post(
    '/r/:token/cancel',
    { config: publicRoute(), schema: { params: TokenParams, body }, preHandler: app.csrfProtection },
    async (request, reply) => {
      const registration = await findByToken(request.em, request.params.token);
      await cancel(request.em, registration, { mail: app.mail.settings });
      return reply.redirect(`/r/${registration.token}`, 303);
    },
  );
}
