import multipart, { type MultipartFile } from '@fastify/multipart';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { Config } from '../config.js';
import type { Event } from '../events/event.entity.js';
import { findEvent } from '../events/event.service.js';
import { type FieldError, ValidationError } from '../errors.js';
import { organiserPages } from '../organisers/guards.js';
import { IdParams, RowId } from '../shared/api-schemas.js';
import { FormBodySchema, formText } from '../shared/form-body.js';
import { redirectWithNotice } from '../shared/page-door.js';
import { onEvent } from '../shared/route-policy.js';
import { sendMaterialFile } from './material-download.js';
import {
  addMaterial,
  deleteMaterial,
  findMaterial,
  formatSize,
  listMaterials,
  sendMaterials,
} from './materials.service.js';

interface Upload {
  name: string;
  data: Buffer;
  tooLarge: boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The file of a materials upload, read into memory up to the size limit (src/materials). */
    materialUpload?: Upload;
  }
}

const MaterialParams = Type.Object({ id: RowId, materialId: RowId });
const body = FormBodySchema;

/**
 * The event's materials page: upload (multipart, one file, its type checked by content, at most
 * MATERIALS_MAX_MB), download, delete, and "send the documents" to the confirmed attendees.
 */
export default async function materialsAdminRoutes(fastify: FastifyInstance, opts: { config: Config }) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  organiserPages(app);
  const maxBytes = opts.config.materialsMaxMb * 1_000_000;
  // Only in this plugin's scope: the upload route is the service's one multipart form.
  await app.register(multipart, {
    attachFieldsToBody: 'keyValues',
    throwFileSizeLimit: false,
    limits: { fileSize: maxBytes, files: 1, fields: 4, fieldSize: 1000, parts: 6 },
    async onFile(this: FastifyRequest, part: MultipartFile) {
      const chunks: Buffer[] = [];
      for await (const chunk of part.file) chunks.push(chunk);
      this.materialUpload = { name: part.filename, data: Buffer.concat(chunks), tooLarge: part.file.truncated };
    },
  });

  async function showPage(
    request: FastifyRequest,
    reply: FastifyReply,
    event: Event,
    extra: { errors?: FieldError[] } = {},
    status = 200,
  ) {
    const materials = await listMaterials(request.em, event);
    return reply.page(
      'admin/materials',
      {
        event,
        materials,
        maxMb: opts.config.materialsMaxMb,
        size: (bytes: number) => formatSize(bytes, request.locale),
        labelFor: (field: string) => request.t(`materials.fields.${field}`),
        values: {},
        ...extra,
      },
      status,
    );
  }

  app.get(
    '/admin/events/:id/materials',
    { config: onEvent('viewer'), schema: { params: IdParams } },
    async (request, reply) => showPage(request, reply, await findEvent(request.em, request.params.id)),
  );

  app.post(
    '/admin/events/:id/materials',
    { config: onEvent('organiser'), schema: { params: IdParams, body } },
    async (request, reply) => {
      const event = await findEvent(request.em, request.params.id);
      const upload = request.materialUpload;
      if (upload?.tooLarge) {
        const errors = [{ field: 'file', code: 'file_too_large', params: { max: opts.config.materialsMaxMb } }];
        return showPage(request, reply, event, { errors }, 413);
      }
      const session = formText(request.body, 'session');
      try {
        await addMaterial(
          request.em,
          event,
          {
            name: upload?.name ?? '',
            data: upload?.data ?? Buffer.alloc(0),
            sessionId: session ? Number(session) : null,
          },
          opts.config.dataDir,
        );
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        return showPage(request, reply, event, { errors: error.details }, 400);
      }
      return redirectWithNotice(reply, `/admin/events/${event.id}/materials`, 'materialAdded');
    },
  );

  app.get(
    '/admin/events/:id/materials/:materialId',
    { config: onEvent('viewer'), schema: { params: MaterialParams } },
    async (request, reply) => {
      const event = await findEvent(request.em, request.params.id);
      return sendMaterialFile(
        reply,
        await findMaterial(request.em, event, request.params.materialId),
        opts.config.dataDir,
      );
    },
  );

  app.post(
    '/admin/events/:id/materials/:materialId/delete',
    { config: onEvent('organiser'), schema: { params: MaterialParams, body } },
    async (request, reply) => {
      const event = await findEvent(request.em, request.params.id);
      await deleteMaterial(request.em, event, request.params.materialId, opts.config.dataDir);
      return redirectWithNotice(reply, `/admin/events/${event.id}/materials`, 'materialDeleted');
    },
  );

  app.post(
    '/admin/events/:id/materials/send',
    { config: onEvent('organiser'), schema: { params: IdParams, body } },
    async (request, reply) => {
      const event = await findEvent(request.em, request.params.id);
      try {
        const count = await sendMaterials(request.em, event, app.mail.settings);
        return redirectWithNotice(reply, `/admin/events/${event.id}/materials`, {
          key: 'materialsSent',
          params: { count },
        });
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        return showPage(request, reply, event, { errors: error.details }, 400);
      }
    },
  );
}
