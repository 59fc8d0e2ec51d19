import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { type FieldError, ValidationError } from '../errors.js';
import { nextYearValues } from '../events/edition.service.js';
import { findEvent } from '../events/event.service.js';
import { organiserPages } from '../organisers/guards.js';
import { IdParams } from '../shared/api-schemas.js';
import { type FormBody, FormBodySchema, formText } from '../shared/form-body.js';
import { saveOrReshow } from '../shared/page-door.js';
import { onEvent } from '../shared/route-policy.js';
import { zonedLocalToUtc } from '../shared/time.js';
import { duplicateEvent } from './edition.service.js';

const params = IdParams;

/** The new edition's date is typed in the old event's zone, the one its programme is kept in. */
function readEditionForm(body: FormBody, tz: string) {
  const errors: FieldError[] = [];
  const raw = formText(body, 'startsAt');
  const startsAt = raw ? zonedLocalToUtc(raw, tz) : null;
  if (!raw) errors.push({ field: 'startsAt', code: 'required' });
  else if (!startsAt) errors.push({ field: 'startsAt', code: 'datetime' });
  return {
    choice: { startsAt: startsAt as Date, title: formText(body, 'title'), slug: formText(body, 'slug') },
    errors,
  };
}

/** *Nouvelle édition*: a small form on top of the event's page, for its organisers. */
export default async function editionAdminRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  organiserPages(app);

  app.get(
    '/admin/events/:id/duplicate',
    { config: onEvent('organiser'), schema: { params } },
    async (request, reply) => {
      const event = await findEvent(request.em, request.params.id);
      return reply.page('admin/event-duplicate', { event, values: { ...nextYearValues(event), slug: '' } });
    },
  );

  app.post(
    '/admin/events/:id/duplicate',
    { config: onEvent('organiser'), schema: { params, body: FormBodySchema } },
    async (request, reply) => {
      const event = await findEvent(request.em, request.params.id);
      const { choice, errors } = readEditionForm(request.body, event.timezone);
      return saveOrReshow(
        reply,
        async () => {
          if (errors.length) throw new ValidationError(errors);
          const edition = await duplicateEvent(request.em, event.id, choice);
          return { url: `/admin/events/${edition.id}`, notice: 'eventDuplicated' };
        },
        (error) => reply.page('admin/event-duplicate', { event, values: request.body, errors: error.details }, 400),
      );
    },
  );
}
