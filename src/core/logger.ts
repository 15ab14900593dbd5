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
 * The process logger. Writes JSON lines to stdout (or the given stream). Stdout is written without
 * blocking: lines that arrive while a write is under way go out together with the next one, instead
 * of one blocking `write` per line on the request path. Whatever is still buffered is written when
 * the process exits (pino flushes on exit); only a SIGKILL can lose the last lines. The log is for
 * operators — the record of what happened is the audit log.
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
    destination ?? pino.destination({ dest: 1, sync: false }),
  );
}

/**
 * A logger for lines of a fixed shape built from plain values (the request log), writing to the
 * same place at the same level as `logger`. Redaction by path is left out — it would find nothing in
 * such a line and costs more than writing it — but token-shaped text is still scrubbed from it.
 * @example const lines = fixedShapeLogger(logger); lines.info({ reqId, res: { statusCode } }, 'request completed');
 */
export function fixedShapeLogger(logger: Logger): Logger {
  const stream = (logger as unknown as Record<symbol, pino.DestinationStream>)[pino.symbols.streamSym];
  return pino({ level: logger.level, base: { service: 'palisade' }, hooks: { streamWrite: scrubTokens } }, stream);
}

export type { Logger };
