import AjvCompiler from '@fastify/ajv-compiler';
import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';

/**
 * The compilers of the routes' schemas, given to Fastify as `schemaController.compilersFactory`.
 *
 * Fastify compiles every route's validators (Ajv) and response serializers (fast-json-stringify)
 * while the service starts: about 0.45 s of the start on this machine, and the generated code of
 * some 300 routes stays in memory, though one instance serves few of them. Here each one is
 * compiled the first time a request needs it, then kept. `compileAll` (used by a test) compiles
 * every one, so a schema that cannot compile still fails the tests, not a user's first request.
 *
 * Each app gets its own set (`lazySchemaCompilers()`), so what one app has not compiled yet is
 * neither kept alive by, nor compiled for, another app in the same process.
 */

declare module 'fastify' {
  interface FastifyInstance {
    /** Compiles every route schema not compiled yet (see lazySchemaCompilers); for the tests. */
    compileAllSchemas(): void;
  }
}

type ValidatorFactory = ReturnType<typeof AjvCompiler>;
type SerializerFactory = ReturnType<typeof SerializerSelector>;
type Validate = ((data: unknown, context?: unknown) => unknown) & { errors?: unknown; schemaEnv?: unknown };

type Pending = Set<() => unknown>;

/** A function built by `build` on its first call; until then it waits in `pending`. */
function lazily<F extends (...args: never[]) => unknown>(pending: Pending, build: () => F): { get: () => F } {
  let built: F | null = null;
  const get = () => {
    if (!built) {
      built = build();
      pending.delete(get);
    }
    return built;
  };
  pending.add(get);
  return { get };
}

function lazyValidator(pending: Pending, build: () => Validate): Validate {
  const compiled = lazily(pending, build);
  const validate: Validate = (data, context) => compiled.get()(data, context);
  // Fastify reads the errors of a failed validation from the function, and passes the request as
  // the parent of the data (so Ajv can coerce or default the root value) only to Ajv's functions.
  Object.defineProperty(validate, 'errors', { get: () => compiled.get().errors });
  validate.schemaEnv = true;
  return validate;
}

/**
 * Two Ajv instances: path parameters, query strings and page forms arrive as text and are coerced
 * ("42" → 42), but an API body is JSON, which has its types: `"firstName": 42` is refused, naming
 * the field, rather than stored as "42".
 */
const validatorFactory =
  (pending: Pending, ajvCompilers: ReturnType<typeof AjvCompiler>): ValidatorFactory =>
  (externalSchemas, options) => {
    const coercing = ajvCompilers(externalSchemas, options);
    const ajvOptions = (options ?? {}) as { customOptions?: Record<string, unknown> };
    const strict = ajvCompilers(externalSchemas, {
      ...ajvOptions,
      customOptions: { ...ajvOptions.customOptions, coerceTypes: false },
    } as typeof options);
    const compile = (route: Parameters<typeof coercing>[0]) =>
      (route.httpPart === 'body' && route.url?.startsWith('/api/') ? strict(route) : coercing(route)) as Validate;
    // Fastify only calls the function and reads `errors`; Ajv's other members are never looked at.
    return (route) => lazyValidator(pending, () => compile(route)) as unknown as ReturnType<typeof coercing>;
  };

const serializerFactory =
  (pending: Pending, serializerCompilers: ReturnType<typeof SerializerSelector>): SerializerFactory =>
  (externalSchemas, options) => {
    const compile = serializerCompilers(externalSchemas, options);
    return (route) => {
      const compiled = lazily(pending, () => compile(route));
      return (data: unknown) => compiled.get()(data);
    };
  };

export interface LazySchemaCompilers {
  buildValidator: ValidatorFactory;
  buildSerializer: SerializerFactory;
  /** Compiles every route schema of this app not compiled yet (one that cannot compile throws here). */
  compileAll(): void;
}

/** One app's compilers (like Fastify's own, which each app creates for itself). */
export function lazySchemaCompilers(): LazySchemaCompilers {
  const pending: Pending = new Set();
  return {
    buildValidator: validatorFactory(pending, AjvCompiler()),
    buildSerializer: serializerFactory(pending, SerializerSelector()),
    compileAll: () => {
      for (const get of [...pending]) get();
    },
  };
}
