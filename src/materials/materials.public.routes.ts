import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { Config } from '../config.js';
import { findByToken } from '../registrations/registration.service.js';
import { RowId } from '../shared/api-schemas.js';
import { publicRoute } from '../shared/route-policy.js';
import { sendMaterialFile } from './material-download.js';
import { materialFor } from './materials.service.js';

const Params = Type.Object({ token: Type.String({ maxLength: 100 }), materialId: RowId });

/** An attendee downloads a material of their event through their private link (confirmed attendees only). */
export default async function materialsPublicRoutes(fastify: FastifyInstance, opts: { config: Config }) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.get(
    '/r/:token/materials/:materialId',
    { config: publicRoute(), schema: { params: Params } },
    async (request, reply) => {
      const registration = await findByToken(request.em, request.params.token);
      const material = await materialFor(request.em, registration, request.params.materialId);
      return sendMaterialFile(reply, material, opts.config.dataDir);
    },
  );
}
