/**
 * @module http/problem — the one place errors become RFC 9457 problem+json responses with the
 * request id. Client errors keep their message; anything unexpected becomes a bare 500.
 */
import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { AppError, ForbiddenError, RateLimitedError, ServiceUnavailableError, ValidationError, type FieldError } from '../core/errors.ts';
import type { AuditService } from '../modules/audit/audit-service.ts';
import type { Database } from '../db/database.ts';
import { securityHeaders } from './security-headers.ts';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance: string;
  requestId: string;
  errors?: FieldError[];
}

const TITLES: Record<number, string> = {
  400: 'Invalid request',
  401: 'Authentication required',
  403: 'Forbidden',
  404: 'Not found',
  405: 'Method not allowed',
  406: 'Not acceptable',
  408: 'Request timeout',
  409: 'Conflict',
  413: 'Request body too large',
  414: 'URI too long',
  415: 'Unsupported media type',
  429: 'Too many requests',
  431: 'Request headers too large',
};

export function problemType(code: string): string {
  return `urn:palisade:problem:${code}`;
}

export function sendProblem(request: FastifyRequest, reply: FastifyReply, p: Omit<Problem, 'instance' | 'requestId'>) {
  const body: Problem = { ...p, instance: request.url.split('?')[0] ?? '/', requestId: String(request.id) };
  return reply.code(p.status).type('application/problem+json').send(body);
}

function toProblem(err: FastifyError | Error): Omit<Problem, 'instance' | 'requestId'> | null {
  if (err instanceof AppError) {
    return {
      type: problemType(err.code),
      title: err.title,
      status: err.status,
      detail: err.message,
      ...(err instanceof ValidationError && err.errors.length > 0 ? { errors: err.errors } : {}),
    };
  }
  if (hasZodFastifySchemaValidationErrors(err)) {
    const where = (err as FastifyError).validationContext ?? 'body';
    const errors = err.validation.map((v) => ({
      path: [where, ...v.instancePath.split('/').filter(Boolean)].join('.'),
      message: v.message ?? 'invalid',
    }));
    return { type: problemType('validation'), title: 'Invalid request', status: 400, detail: `invalid ${where}`, errors };
  }
  if (isResponseSerializationError(err)) return null;
  const status = (err as FastifyError).statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    // Fastify's own client errors (bad JSON, wrong media type, body too large) carry safe messages.
    return { type: problemType(`http-${status}`), title: TITLES[status] ?? 'Bad request', status, detail: err.message };
  }
  return null;
}

/** Install the error and not-found handlers. Denials (403) are recorded as audit events here. */
export function installProblemHandlers(app: FastifyInstance, deps: { db: Database; audit: AuditService }) {
  // While stopping, requests still arriving on open connections get a 503 problem and
  // `Connection: close` (instead of Fastify's bare-JSON 503); requests already in flight finish.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onRequest', async (_request, reply) => {
    if (!closing) return;
    void reply.header('connection', 'close');
    throw new ServiceUnavailableError('the server is stopping; retry in a moment');
  });

  app.setErrorHandler(async (err: FastifyError, request, reply) => {
    const problem = toProblem(err);
    if (!problem) {
      request.log.error({ err }, 'internal error');
      return sendProblem(request, reply, {
        type: problemType('internal'),
        title: 'Internal error',
        status: 500,
        detail: 'the server could not complete the request; quote the request id when reporting it',
      });
    }
    if (err instanceof ForbiddenError && request.actor) {
      const actor = request.actor;
      await deps.db
        .transaction((tx) =>
          deps.audit.record(tx, actor, {
            type: 'access.denied',
            outcome: 'denied',
            details: { method: request.method, route: request.routeOptions.url ?? request.url, reason: err.message },
          }),
        )
        .catch((e: unknown) => request.log.error({ err: e }, 'could not record denial'));
    }
    if (err instanceof RateLimitedError) void reply.header('retry-after', String(err.retryAfterSeconds));
    return sendProblem(request, reply, problem);
  });

  app.setNotFoundHandler((request, reply) =>
    sendProblem(request, reply, { type: problemType('not-found'), title: 'Not found', status: 404, detail: 'no such route' }),
  );
}

/**
 * Fastify's `frameworkErrors` option: requests the router rejects before any route or hook runs
 * (a URL that is not valid percent-encoding, a path segment over the length limit). They get the
 * same problem document and headers as everything else instead of Fastify's bare JSON.
 * @example Fastify({ frameworkErrors: frameworkErrorHandler({ https: false }) })
 */
export function frameworkErrorHandler(opts: { https: boolean }) {
  const headers = securityHeaders(opts);
  return (err: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    void reply.headers({ ...headers, 'x-request-id': String(request.id) });
    if (err.code === 'FST_ERR_BAD_URL') {
      return sendProblem(request, reply, { type: problemType('http-400'), title: 'Invalid request', status: 400, detail: 'the URL is not valid percent-encoded UTF-8' });
    }
    if (err.code === 'FST_ERR_MAX_PARAM_LENGTH') {
      return sendProblem(request, reply, { type: problemType('http-414'), title: 'URI too long', status: 414, detail: 'a path segment is too long' });
    }
    request.log.error({ err }, 'internal error');
    return sendProblem(request, reply, { type: problemType('internal'), title: 'Internal error', status: 500, detail: 'the server could not complete the request; quote the request id when reporting it' });
  };
}

/**
 * Fastify's `clientErrorHandler` option: bytes Node's HTTP parser rejects (a garbled request line,
 * headers over the size limit, a request that took too long) never become a request, so the
 * problem document is written to the socket directly. The raw bytes are never logged: they may
 * hold an Authorization header.
 */
export function clientErrorHandler(opts: { https: boolean }) {
  const headers = securityHeaders(opts);
  return function onClientError(this: FastifyInstance, err: NodeJS.ErrnoException, socket: Duplex) {
    if (err.code === 'ECONNRESET' || socket.destroyed) return;
    const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
    const requestId = randomUUID();
    const detail = status === 431 ? 'the request line and headers are too large' : status === 408 ? 'the request took too long to arrive' : 'the request is not valid HTTP/1.1';
    const body = JSON.stringify({ type: problemType(`http-${status}`), title: TITLES[status], status, detail, instance: `urn:uuid:${requestId}`, requestId });
    this.log.debug({ code: err.code, requestId }, 'client error');
    if (socket.writable) {
      const head = Object.entries({ ...headers, 'x-request-id': requestId, 'content-type': 'application/problem+json; charset=utf-8', 'content-length': String(Buffer.byteLength(body)), connection: 'close' })
        .map(([k, v]) => `${k}: ${v}\r\n`)
        .join('');
      socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n${head}\r\n${body}`);
    }
    socket.destroy(err);
  };
}
