/** @module cli/serve — `palisade serve [--data DIR] [--host H] [--port P] [--tls-cert F --tls-key F] [--behind-tls-proxy]`. */
import { parseArgs } from 'node:util';
import { loadConfig } from '../core/config.ts';
import { ValidationError } from '../core/errors.ts';
import { startServer, StartupRefusal } from '../server.ts';

export const SERVE_HELP = `palisade serve — start the Palisade server

  --data DIR            data folder for the embedded database (PALISADE_DATA, default ./.palisade)
  --host HOST           address to listen on (PALISADE_HOST, default 127.0.0.1)
  --port PORT           port (PALISADE_PORT, default 7443; 0 picks a free port)
  --tls-cert FILE       PEM certificate: serve HTTPS only (PALISADE_TLS_CERT)
  --tls-key FILE        PEM private key (PALISADE_TLS_KEY)
  --behind-tls-proxy    a TLS-terminating proxy is in front (PALISADE_BEHIND_TLS_PROXY=1)
  --log-level LEVEL     fatal|error|warn|info|debug|trace|silent (PALISADE_LOG_LEVEL)

DATABASE_URL=postgres://… runs on a PostgreSQL server instead of the embedded database.
PALISADE_BOOTSTRAP_TOKEN, on first start, becomes the first admin's token.
`;

const OPTIONS = {
  data: { type: 'string' },
  host: { type: 'string' },
  port: { type: 'string' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  'behind-tls-proxy': { type: 'boolean' },
  'log-level': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const parseServeArgs = (argv: string[]) => parseArgs({ args: argv, options: OPTIONS, strict: true }).values;

/**
 * Run the server until SIGTERM or SIGINT. Returns 0 after a clean stop, 2 for a refused
 * configuration, 1 when starting failed (port in use, unreadable certificate, database unreachable).
 * @example process.exitCode = await runServe(['--port', '8080'], { stdout: process.stdout, stderr: process.stderr });
 */
export async function runServe(argv: string[], io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream }): Promise<number> {
  let values: ReturnType<typeof parseServeArgs>;
  try {
    values = parseServeArgs(argv);
  } catch (err) {
    io.stderr.write(`${(err as Error).message}\n\n${SERVE_HELP}`);
    return 2;
  }
  if (values.help) {
    io.stdout.write(SERVE_HELP);
    return 0;
  }
  // Signals are caught from the start: a stop requested while the database is being opened waits
  // for the start to finish (an embedded database must not die half-written), then stops at once.
  // Each handler runs once; a second signal terminates the process the default way.
  let requested = null as string | null;
  let onSignal = (signal: string) => {
    requested = signal;
  };
  const onTerm = () => onSignal('SIGTERM');
  const onInt = () => onSignal('SIGINT');
  process.once('SIGTERM', onTerm);
  process.once('SIGINT', onInt);
  const forget = () => {
    process.off('SIGTERM', onTerm);
    process.off('SIGINT', onInt);
  };
  let server;
  try {
    const cfg = loadConfig(
      {
        data: values.data,
        host: values.host,
        port: values.port,
        tlsCert: values['tls-cert'],
        tlsKey: values['tls-key'],
        behindTlsProxy: values['behind-tls-proxy'],
        logLevel: values['log-level'],
      },
      process.env,
    );
    server = await startServer(cfg, io.stdout);
  } catch (err) {
    forget();
    if (err instanceof StartupRefusal) io.stderr.write(`${err.message}\n`);
    else if (err instanceof ValidationError) io.stderr.write(`${err.message}${err.errors.map((e) => `\n  ${e.path}: ${e.message}`).join('')}\n`);
    else {
      // A message in words, not a stack trace: the cause is nearly always the environment.
      io.stderr.write(`palisade: could not start: ${err instanceof Error ? err.message : String(err)}\n`);
      return 1;
    }
    return 2;
  }
  const running = server;
  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      io.stdout.write(`Received ${signal}: finishing requests in flight and stopping\n`);
      running.close().then(resolve, (err: unknown) => {
        io.stderr.write(`error while stopping: ${String(err)}\n`);
        resolve();
      });
    };
    onSignal = stop;
    if (requested !== null) stop(requested);
  });
  forget();
  return 0;
}
