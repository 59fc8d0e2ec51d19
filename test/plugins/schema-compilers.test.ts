import Fastify from 'fastify';
import t from 'tap';
import { lazySchemaCompilers } from '../../src/plugins/schema-compilers.js';
import { buildTestApp } from '../support/app.js';

function appWithLazySchemas() {
  const { buildValidator, buildSerializer, compileAll } = lazySchemaCompilers();
  const app = Fastify({
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true } },
    schemaController: { compilersFactory: { buildValidator, buildSerializer } },
  });
  return Object.assign(app, { compileAll });
}

t.test(
  "every route schema of the service compiles (they are compiled lazily, so this is each one's check)",
  async (t) => {
    const { app } = await buildTestApp(t);
    await app.ready();
    t.doesNotThrow(() => app.compileAllSchemas());
    // Still answers once everything is compiled.
    const page = await app.inject({ url: '/api/v1/events/999999' });
    t.equal(page.statusCode, 401);
    t.equal(page.json().error, 'unauthorised');
  },
);

t.test("a schema that cannot compile starts the service, and compileAll throws Ajv's error about it", async (t) => {
  const app = appWithLazySchemas();
  t.teardown(() => app.close());
  app.get(
    '/broken',
    { schema: { querystring: { type: 'object', properties: { n: { type: 'nope' } } } } },
    async () => 'x',
  );
  await app.ready();
  const other = appWithLazySchemas();
  t.teardown(() => other.close());
  other.get('/fine', { schema: { querystring: { type: 'object' } } }, async () => 'x');
  await other.ready();
  t.doesNotThrow(() => other.compileAll(), "another app's compilers hold only its own schemas");
  t.throws(
    () => app.compileAll(),
    /schema is invalid: data\/properties\/n\/type must be equal to one of the allowed values/,
  );
});

t.test('lazy validators coerce, default and refuse as Ajv does, with its errors', async (t) => {
  const app = appWithLazySchemas();
  t.teardown(() => app.close());
  app.get(
    '/items',
    {
      schema: {
        querystring: {
          type: 'object',
          properties: {
            page: { type: 'integer', minimum: 1, default: 1 },
            tag: { type: 'array', items: { type: 'string' } },
          },
          additionalProperties: false,
        },
        response: { 200: { type: 'object', properties: { page: { type: 'integer' }, tag: { type: 'array' } } } },
      },
    },
    async (request) => ({ ...(request.query as object), secret: 'never serialised' }),
  );
  app.post(
    '/api/things',
    { schema: { body: { type: 'object', required: ['n'], properties: { n: { type: 'integer' } } } } },
    async (request) => request.body,
  );

  const defaulted = await app.inject({ url: '/items' });
  t.same(defaulted.json(), { page: 1 }, 'the default fills the root query, and the serializer drops unlisted fields');
  const coerced = await app.inject({ url: '/items?page=3&tag=a' });
  t.same(coerced.json(), { page: 3, tag: ['a'] }, 'text coerced to an integer and to an array');
  const refused = await app.inject({ url: '/items?page=0' });
  t.equal(refused.statusCode, 400);
  t.match(refused.json().message, /querystring\/page must be >= 1/);

  const typed = await app.inject({ method: 'POST', url: '/api/things', payload: { n: '42' } });
  t.equal(typed.statusCode, 400, 'an API body keeps its JSON types');
  t.match(typed.json().message, /body\/n must be integer/);
  const missing = await app.inject({ method: 'POST', url: '/api/things', payload: {} });
  t.match(missing.json().message, /must have required property 'n'/);
  const ok = await app.inject({ method: 'POST', url: '/api/things', payload: { n: 42 } });
  t.same(ok.json(), { n: 42 });
});
