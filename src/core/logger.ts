/** @module core/logger — structured JSON logs (pino) with secrets redacted by path. */
import { pino, type Logger } from 'pino';

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
 * The process logger. Writes JSON lines to stdout (or the given stream).
 * @example const log = createLogger('info'); log.info({ port }, 'listening');
 */
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    { level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' }, base: { service: 'palisade' } },
    destination ?? process.stdout,
  );
}

export type { Logger };
