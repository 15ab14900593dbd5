/**
 * @module server — `palisade serve`: open the database, bootstrap on first start, listen,
 * print the URL, and shut down gracefully on SIGTERM/SIGINT.
 */
import { readFile } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import { bootstrapFirstAdmin } from './bootstrap.ts';
import { systemClock } from './core/clock.ts';
import { plainHttpRefusal, type ServerConfig } from './core/config.ts';
import { lockFolder } from './core/folder-lock.ts';
import { createLogger } from './core/logger.ts';
import { createServices, type Services } from './composition.ts';
import type { Database } from './db/database.ts';
import { openDatabase } from './db/open.ts';
import { buildApp } from './http/app.ts';
import { startAccessSweeper } from './modules/access/access-sweeper.ts';
import { startReviewSweeper } from './modules/reviews/review-sweeper.ts';
import { loadMasterKey, type MasterKey } from './core/master-key.ts';
import { logOrigin, LogKeyUnavailable } from './modules/audit/log-keys.ts';
import { startAuditSequencer } from './modules/audit/sequencer-runner.ts';
import { startAuditExporter } from './modules/audit-export/exporter.ts';
import { startDetection } from './modules/detection/detection-runner.ts';

export interface RunningServer {
  url: string;
  app: FastifyInstance;
  services: Services;
  close(): Promise<void>;
}

/** Refuse plain HTTP on a network address before touching the database. */
export class StartupRefusal extends Error {}

/**
 * Start Palisade. Human messages (URL, first admin token) go to `out`; JSON logs to stdout.
 * @example const s = await startServer(loadConfig({}, process.env), process.stdout);
 */
export async function startServer(cfg: ServerConfig, out: NodeJS.WritableStream): Promise<RunningServer> {
  const refusal = plainHttpRefusal(cfg);
  if (refusal) throw new StartupRefusal(refusal);
  const https = cfg.tlsCertFile && cfg.tlsKeyFile
    ? { cert: await readFile(cfg.tlsCertFile), key: await readFile(cfg.tlsKeyFile) }
    : undefined;
  const logger = createLogger(cfg.logLevel);
  out.write(
    cfg.databaseUrl
      ? 'Starting Palisade on PostgreSQL (DATABASE_URL)\n'
      : `Starting Palisade with the embedded database in ${cfg.dataDir} (a first start takes a few seconds)\n`,
  );
  // The embedded database must have one process per folder; PostgreSQL serves many servers.
  const lock = cfg.databaseUrl ? null : await lockFolder(cfg.dataDir);
  let db: Database;
  let masterKey: MasterKey;
  try {
    masterKey = await loadMasterKey({ fromEnvironment: cfg.masterKey, dataDir: cfg.dataDir });
    db = await openDatabase({ dataDir: cfg.dataDir, databaseUrl: cfg.databaseUrl });
  } catch (err) {
    await lock?.release();
    throw err;
  }
  let app: FastifyInstance | undefined;
  try {
    const services = createServices({ db, clock: systemClock, dataDir: cfg.dataDir, auditLogKey: { masterKey: masterKey.key, origin: logOrigin(cfg.logName) } });
    // Any server may be elected sequencer, so each must be able to sign: refuse now, in words, if not.
    const logKey = await services.auditSequencer.open().catch((err: unknown) => {
      throw err instanceof LogKeyUnavailable ? new StartupRefusal(err.message) : err;
    });
    if (masterKey.created) {
      out.write(
        `Created the master key ${masterKey.file} (mode 0600); it seals the audit log's signing key: back it up with the data.` +
          (cfg.databaseUrl ? ' Other servers on this database need the same key: give them its content as PALISADE_MASTER_KEY.\n' : '\n'),
      );
    }
    app = await buildApp({ services, logger, https, trustProxy: cfg.behindTlsProxy });
    // Listen before bootstrapping: if the port is taken, no admin is created whose token nobody saw.
    await app.listen({ host: cfg.host, port: cfg.port });
    const first = await bootstrapFirstAdmin(services, cfg.bootstrapToken);
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : cfg.port;
    const host = cfg.host.includes(':') ? `[${cfg.host}]` : cfg.host;
    const url = `${https ? 'https' : 'http'}://${host}:${port}`;
    if (first) {
      out.write(
        first.token
          ? `\nFirst start: created the admin "${first.handle}". Their API token, shown this once — store it now:\n\n    ${first.token}\n\n` +
            `Use it with: export PALISADE_URL=${url} PALISADE_TOKEN=<token>\n\n`
          : `\nFirst start: created the admin "${first.handle}" with the token from PALISADE_BOOTSTRAP_TOKEN.\n\n`,
      );
    }
    out.write(`Audit log ${logKey.origin}, verifier key ${logKey.verifierKey}\n`);
    out.write(`Palisade listening on ${url} (database: ${db.dialect === 'pglite' ? `embedded, ${cfg.dataDir}` : 'PostgreSQL'})\n`);
    const sweeper = startAccessSweeper(services, { onError: (err) => logger.error({ err }, 'access request expiry failed') });
    const reviewSweeper = startReviewSweeper(services, { onError: (err) => logger.error({ err }, 'access review deadline processing failed') });
    const sequencer = startAuditSequencer({ db, sequencer: services.auditSequencer }, { logger });
    const exporter = startAuditExporter(services.auditExporter, { logger });
    const detection = startDetection({ db, engine: services.detection, dispatcher: services.alertDispatcher }, { logger });
    // Git events spooled while the database was unreachable before a stop or crash go into the log now.
    void services.gitGateway.recoverSpool().then(
      (n) => n > 0 && logger.warn({ events: n }, 'recorded git events spooled before the last stop'),
      (err: unknown) => logger.error({ err }, 'spooled git events could not be recorded yet'),
    );
    // Denials journaled by a server that was killed before their group commit go into the log now.
    void services.authorizer.recoverDenials().then(
      (n) => n > 0 && logger.warn({ events: n }, 'recorded authz.denied events journaled before the last stop'),
      (err: unknown) => logger.error({ err }, 'journaled denials could not be recorded yet'),
    );
    const running = app;
    return {
      url,
      app: running,
      services,
      close: async () => {
        await running.close();
        // Events of git requests that finished as the server stopped are written before the database closes.
        await services.gitGateway.settled();
        await sweeper.stop();
        await reviewSweeper.stop();
        await sequencer.stop();
        await detection.stop();
        await exporter.stop();
        await services.authorizer.close();
        await db.close();
        await lock?.release();
      },
    };
  } catch (err) {
    await app?.close().catch(() => undefined);
    await db.close().catch(() => undefined);
    await lock?.release();
    throw err;
  }
}
