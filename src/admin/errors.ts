/**
 * Every failure becomes a JSON answer `{error, message}` with a 4xx status when the request was
 * at fault (issue 9 item 8: bad input never yields a 5xx). Only faults of the SBC itself are 5xx.
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import { ConflictError, InvalidError, NotFoundError } from '../store/errors.ts';

/** Raised by handlers for request problems the schemas cannot express. */
export class HttpError extends Error {
  readonly statusCode: number;
  readonly code: string;
  readonly details: Record<string, unknown>;
  constructor(statusCode: number, code: string, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'HttpError';
    this.statusCode = statusCode;
    this.code = code;
    this.details = details;
  }
}

const CODES: Record<number, string> = {
  400: 'invalid_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  406: 'not_acceptable',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'unprocessable',
  429: 'too_many_requests',
};

export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | Error, request, reply) => {
    if (error instanceof HttpError) {
      return reply
        .code(error.statusCode)
        .send({ error: error.code, message: error.message, ...error.details });
    }
    if (error instanceof NotFoundError)
      return reply.code(404).send({ error: 'not_found', message: error.message });
    if (error instanceof ConflictError)
      return reply.code(409).send({ error: 'conflict', message: error.message });
    if (error instanceof InvalidError)
      return reply.code(422).send({ error: 'unprocessable', message: error.message });
    const fastifyError = error as FastifyError;
    if (fastifyError.validation) {
      return reply.code(400).send({
        error: 'invalid_request',
        message: `${fastifyError.validationContext ?? 'request'}: ${describeValidation(fastifyError)}`,
      });
    }
    const status = fastifyError.statusCode;
    if (status !== undefined && status >= 400 && status < 500) {
      return reply.code(status).send({ error: CODES[status] ?? 'bad_request', message: error.message });
    }
    request.log.error({ err: error, url: request.url }, 'admin API fault');
    return reply.code(500).send({ error: 'internal', message: 'internal error; see the SBC log' });
  });

  app.setNotFoundHandler((request, reply) =>
    reply
      .code(404)
      .send({ error: 'not_found', message: `no route ${request.method} ${request.url.split('?')[0]}` }),
  );
}

/** The first few schema errors, each with where it is (`/files/main.rules`) and what is wrong. */
function describeValidation(error: FastifyError): string {
  const items: string[] = [];
  for (const v of error.validation ?? []) {
    // TypeBox reports an unknown field twice: as a `false` schema at its path, and by name here.
    if (v.schemaPath.endsWith('/additionalProperties') && v.keyword === 'boolean') continue;
    const where = v.instancePath || '/';
    const extra = (v.params as { additionalProperties?: unknown }).additionalProperties;
    if (v.keyword === 'additionalProperties' && Array.isArray(extra)) {
      items.push(`${where} has unknown field(s) ${extra.map((e) => `'${String(e)}'`).join(', ')}`);
    } else {
      items.push(`${where} ${v.message ?? 'is invalid'}`);
    }
    if (items.length === 5) break;
  }
  return items.length > 0 ? items.join('; ') : error.message;
}
