import { loggedUrl } from '../shared/log-redaction.js';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError, type FieldError } from '../errors.js';
import { DEFAULT_LOCALE, localeFromAcceptLanguage, translator } from '../i18n/i18n.js';

const FRAMEWORK_CODES: Record<string, string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'body_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'bad_request',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'bad_request',
  FST_ERR_CTP_INVALID_JSON_BODY: 'malformed_body',
  FST_CSRF_MISSING_SECRET: 'csrf',
  FST_CSRF_INVALID_TOKEN: 'csrf',
  FST_ERR_VALIDATION: 'validation_failed',
};

interface Problem {
  status: number;
  code: string;
  details: FieldError[];
  params: Record<string, string | number>;
}

function toProblem(error: FastifyError | AppError): Problem {
  if (error instanceof AppError)
    return { status: error.statusCode, code: error.code, details: error.details, params: error.params };
  const fe = error as FastifyError;
  if (fe.validation) {
    const details = fe.validation.map((v) => {
      const { missingProperty, additionalProperty } = v.params as {
        missingProperty?: string;
        additionalProperty?: string;
      };
      const missing = missingProperty ?? additionalProperty;
      const path = (v.instancePath || '').replace(/^\//, '').replace(/\//g, '.');
      return {
        field: [path, missing].filter(Boolean).join('.') || (fe.validationContext ?? 'body'),
        code: v.keyword,
        message: v.message,
      };
    });
    return { status: 400, code: 'validation_failed', details: details as FieldError[], params: {} };
  }
  const status = fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500 ? fe.statusCode : 500;
  if (status === 500) return { status, code: 'internal', details: [], params: {} };
  return {
    status,
    code: (fe.code && FRAMEWORK_CODES[fe.code]) || (status === 404 ? 'not_found' : 'bad_request'),
    details: [],
    params: {},
  };
}

const NOT_FOUND: Problem = { status: 404, code: 'not_found', details: [], params: {} };

export function isApiRequest(request: FastifyRequest): boolean {
  return request.url.startsWith('/api/');
}

async function sendProblem(request: FastifyRequest, reply: FastifyReply, problem: Problem) {
  if (!request.t) {
    // Refused before the locale hook ran (e.g. a body too large): decide the language here.
    request.locale = localeFromAcceptLanguage(request.headers['accept-language']) ?? DEFAULT_LOCALE;
    request.t = translator(request.locale);
  }
  const t = request.t;
  const message = t(`errors.${problem.code}`, problem.params);
  if (isApiRequest(request)) {
    const details = problem.details.map((d) => ({
      field: d.field,
      code: d.code,
      message: (d as { message?: string }).message ?? t(`errors.${d.code}`, d.params),
    }));
    return reply
      .code(problem.status)
      .type('application/json; charset=utf-8')
      .send({ error: problem.code, message, details });
  }
  return reply.page('errors/error', { status: problem.status, message, code: problem.code }, problem.status);
}

/** One place where errors become answers: JSON under /api, a readable page elsewhere; 5xx details stay in the log. */
export default fp(
  async function errors(app: FastifyInstance) {
    app.setErrorHandler(async (error: FastifyError, request, reply) => {
      // A page path whose ids do not parse names no page: 404, as for an id that names nothing.
      const unknownPath = error.validationContext === 'params' && !isApiRequest(request);
      const problem = unknownPath ? NOT_FOUND : toProblem(error);
      const url = loggedUrl(request.routeOptions?.url, request.url);
      if (problem.status >= 500) request.log.error({ err: error, url }, 'request failed');
      else request.log.info({ code: problem.code, url }, 'request refused');
      return sendProblem(request, reply, problem);
    });
    app.setNotFoundHandler(async (request, reply) => sendProblem(request, reply, NOT_FOUND));
  },
  { name: 'errors' },
);
