import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../errors.js';
import { hasControlCharacters } from '../shared/text.js';
import { isApiRequest } from './errors.js';

/** Deeper than any body the service takes: a deeper one is refused before anything walks it. */
const MAX_DEPTH = 16;

type Found = { field: string; code: 'control_characters' | 'malformed_body' } | null;

const isWellFormed = (text: string): boolean => (text as string & { isWellFormed(): boolean }).isWellFormed();

function badText(text: string): boolean {
  return hasControlCharacters(text) || !isWellFormed(text);
}

/** The first value (or key) of an input that holds a control character or a lone surrogate, by its path. */
function findBadText(value: unknown, path: string, depth: number): Found {
  if (typeof value === 'string') return badText(value) ? { field: path, code: 'control_characters' } : null;
  if (value === null || typeof value !== 'object') return null;
  if (depth > MAX_DEPTH) return { field: path, code: 'malformed_body' };
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findBadText(value[i], path ? `${path}.${i}` : String(i), depth + 1);
      if (found) return found;
    }
    return null;
  }
  for (const key of Object.keys(value)) {
    const at = path ? `${path}.${key}` : key;
    if (badText(key)) return { field: path || 'body', code: 'control_characters' };
    const found = findBadText((value as Record<string, unknown>)[key], at, depth + 1);
    if (found) return found;
  }
  return null;
}

/** A page form posts a flat record of texts (a repeated name gives a list of them); nothing else is read. */
function isFlatRecord(body: unknown): boolean {
  if (body === undefined || body === null) return true;
  if (typeof body !== 'object' || Array.isArray(body)) return false;
  for (const value of Object.values(body)) {
    if (typeof value === 'string') continue;
    if (Array.isArray(value) && value.every((v) => typeof v === 'string')) continue;
    return false;
  }
  return true;
}

export function checkRequestInput(request: FastifyRequest): void {
  for (const [part, value] of [
    ['params', request.params],
    ['query', request.query],
    ['body', request.body],
  ] as const) {
    const found = findBadText(value, '', 0);
    if (found) {
      const field = found.field || part;
      throw new AppError(found.code, [{ field, code: found.code }]);
    }
  }
  if (!isApiRequest(request) && !isFlatRecord(request.body))
    throw new AppError('malformed_body', [{ field: 'body', code: 'malformed_body' }]);
}

/**
 * The one gate every request passes before its handler (and before schema validation): no control
 * character other than tab, CR and LF, no lone surrogate, in the path parameters, the query string or
 * the body, at any depth, keys included; a page's body is a flat record of texts. Each refusal is a
 * 400, a page or JSON by the error handler, rather than a database error later.
 */
export default fp(
  async function boundary(app: FastifyInstance) {
    app.addHook('preValidation', async (request) => {
      checkRequestInput(request);
    });
  },
  { name: 'boundary' },
);
