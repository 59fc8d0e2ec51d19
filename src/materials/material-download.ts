import type { FastifyReply } from 'fastify';
import { createReadStream, existsSync } from 'node:fs';
import { join } from 'node:path';
import { notFound } from '../errors.js';
import type { Material } from './material.entity.js';
import { attachmentHeader, filesDir } from './materials.service.js';

/** Sends a stored material: its checked type, as an attachment, never sniffed by the browser. */
export function sendMaterialFile(reply: FastifyReply, material: Material, dataDir: string) {
  const path = join(filesDir(dataDir), material.storedName);
  if (!existsSync(path)) throw notFound();
  return reply
    .type(material.contentType)
    .header('Content-Disposition', attachmentHeader(material.name))
    .header('X-Content-Type-Options', 'nosniff')
    .header('Content-Length', String(material.size))
    .header('Cache-Control', 'private, no-store')
    .send(createReadStream(path));
}
