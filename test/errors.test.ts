import t from 'tap';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { AppError, ERROR_STATUS, type ErrorCode, ValidationError, forbidden, notFound } from '../src/errors.js';

const root = join(import.meta.dirname, '..');
const locale = (name: string) =>
  JSON.parse(readFileSync(join(root, 'locales', `${name}.json`), 'utf8')) as { errors: Record<string, unknown> };
const codes = Object.keys(ERROR_STATUS) as ErrorCode[];

t.test('every code of the catalogue has a message in French and in English', async (t) => {
  for (const name of ['fr', 'en']) {
    const messages = locale(name).errors;
    for (const code of codes) {
      // A message, or its plural forms (src/i18n/i18n.ts) with at least the `other` one.
      const message = messages[code] as string | { other?: unknown } | undefined;
      const text = typeof message === 'object' && message !== null ? message.other : message;
      t.type(text, 'string', `${name}: errors.${code}`);
    }
  }
});

t.test('every code maps to a 4xx status, which the error carries', async (t) => {
  for (const code of codes) {
    t.ok(ERROR_STATUS[code] >= 400 && ERROR_STATUS[code] < 500, `${code}: ${ERROR_STATUS[code]}`);
    t.equal(new AppError(code).statusCode, ERROR_STATUS[code]);
  }
  t.equal(new ValidationError([{ field: 'email', code: 'email' }]).statusCode, 400);
  t.equal(new ValidationError([]).code, 'validation_failed');
  t.equal(notFound().statusCode, 404);
  t.equal(forbidden().statusCode, 403);
});

t.test('no source file picks a status inline for an AppError', async (t) => {
  const files = readdirSync(join(root, 'src'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
  t.ok(files.length > 50);
  for (const file of files) {
    const text = readFileSync(join(root, 'src', file), 'utf8');
    t.notOk(/new AppError\(\s*\d/.test(text), file);
  }
});
