/** @module core/logger — structured JSON logs (pino) with secrets redacted by path and by shape. */
import { pino, stdSerializers, type Logger } from 'pino';
import { scrubTokens } from './secret-token.ts';

/** Paths that may hold credentials; pino replaces their values before anything is written. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["proxy-authorization"]',
  'headers.authorization',
  'token',
  '*.token',
  'password',
  '*.password',
  'secret',
  '*.secret',
];

/**
 * Database drivers attach the failing statement's parameter values (`params`), the offending row
 * or key (`detail`, `where`), and Node's HTTP parser the raw request bytes (`rawPacket`): any of
 * them can carry personal data or secrets, so errors are logged without them.
 */
const ERROR_FIELDS_NOT_LOGGED = ['params', 'parameters', 'detail', 'where', 'rawPacket'];

function serializeError(err: Error): Record<string, unknown> {
  const out = stdSerializers.err(err) as unknown as Record<string, unknown>;
  for (const field of ERROR_FIELDS_NOT_LOGGED) delete out[field];
  return out;
}

/**
 * The process logger. Writes JSON lines to stdout (or the given stream).
 * @example const log = createLogger('info'); log.info({ port }, 'listening');
 */
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      base: { service: 'palisade' },
      serializers: { err: serializeError },
      hooks: { streamWrite: scrubTokens },
    },
    destination ?? process.stdout,
  );
}

export type { Logger };
