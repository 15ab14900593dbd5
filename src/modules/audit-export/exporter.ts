/**
 * @module audit-export/exporter — delivers the log to every active sink in log order (leaf index),
 * batch after batch, each sink on its own: a sink that fails or hangs waits (exponential backoff,
 * from 1 s up to 5 min) without holding up the others or anything else, and is resumed from its
 * stored position — also after a restart. The position moves only after the receiver has taken a
 * batch, so no event is skipped; a batch may be sent twice (after a crash between sending and
 * recording), so delivery is at least once and every record carries the event id.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../core/clock.ts';
import { scrubTokens } from '../../core/secret-token.ts';
import type { Database } from '../../db/database.ts';
import type { AuditEvent } from '../audit/audit-types.ts';
import { encodeEvent } from './export-events.ts';
import type { SecretSealer } from './sealed-secrets.ts';
import { DELIVERY_TIMEOUT_MS, postNdjson, sendFrames } from './sink-delivery.ts';
import { HEADERS_PURPOSE } from './sink-service.ts';
import * as store from './sink-store.ts';
import { DEFAULT_SD_ID, formatSyslog, frame } from './syslog-5424.ts';

export const MIN_BACKOFF_MS = 1000;
export const MAX_BACKOFF_MS = 5 * 60_000;
const LEASE_MS = 60_000;
/** Batches one sink may send per run before the others get their turn on the database. */
const BATCHES_PER_RUN = 20;

export interface SinkRun {
  sinkId: string;
  delivered: number;
  /** Set when this run's delivery failed. */
  error?: string;
  /** Another server holds the sink. */
  busy?: boolean;
}

export interface AuditExporter {
  /** Deliver what is due to every due sink, wait for all of them, and report. */
  runOnce(): Promise<SinkRun[]>;
  /** Start work on due sinks that are not already being served; returns the runs started, without waiting for them. */
  tick(): Promise<Promise<SinkRun>[]>;
  /** Wait for the deliveries in flight. */
  drain(): Promise<void>;
}

/** Backoff after the n-th consecutive failure: 1 s, 2 s, 4 s … at most 5 minutes. */
export function backoffMs(failures: number): number {
  return Math.min(MAX_BACKOFF_MS, MIN_BACKOFF_MS * 2 ** Math.min(Math.max(failures - 1, 0), 20));
}

export interface ExporterDeps {
  db: Database;
  clock: Clock;
  secrets: SecretSealer;
  /** Identifies this server's leases; random per process by default. */
  owner?: string;
  timeoutMs?: number;
  procId?: string;
}

/**
 * The exporter of one server.
 * @example const exporter = createAuditExporter({ db, clock, secrets }); await exporter.runOnce();
 */
export function createAuditExporter(deps: ExporterDeps): AuditExporter {
  const { db, clock, secrets } = deps;
  const owner = deps.owner ?? `exporter-${randomUUID()}`;
  const timeoutMs = deps.timeoutMs ?? DELIVERY_TIMEOUT_MS;
  const procId = deps.procId ?? String(process.pid);
  const inFlight = new Map<string, Promise<SinkRun>>();

  const send = async (sink: store.SinkRow, events: AuditEvent[]) => {
    if (sink.kind === 'http') {
      const headers = sink.sealedHeaders ? (JSON.parse(secrets.open(sink.sealedHeaders, HEADERS_PURPOSE)) as Record<string, string>) : {};
      await postNdjson(sink.config.url, headers, events.map((e) => encodeEvent(e, sink.format)), timeoutMs);
      return;
    }
    const c = sink.config;
    const opts = { facility: c.facility, hostname: c.hostname ?? '-', appName: c.appName, procId, sdId: c.sdId ?? DEFAULT_SD_ID };
    await sendFrames(c, events.map((e) => frame(formatSyslog(e, encodeEvent(e, sink.format), opts))), timeoutMs);
  };

  /** Serve one sink: claim it, send batches from its position, record progress or the failure. */
  const serve = async (sinkId: string): Promise<SinkRun> => {
    const now = clock.now();
    const sink = await store.claimLease(db, sinkId, owner, now, new Date(now.getTime() + LEASE_MS));
    if (!sink) return { sinkId, delivered: 0, busy: true };
    let position = sink.position;
    let delivered = 0;
    try {
      for (let batch = 0; batch < BATCHES_PER_RUN; batch++) {
        const events = await store.eventsAfter(db, position, sink.config.batchSize);
        if (events.length === 0) break;
        await send(sink, events);
        const last = events[events.length - 1]!.leafIndex!;
        if (!(await store.advance(db, sinkId, owner, position, last, events.length, clock.now()))) return { sinkId, delivered, busy: true };
        position = last;
        delivered += events.length;
        if (events.length < sink.config.batchSize) break;
      }
      await store.releaseLease(db, sinkId, owner);
      return { sinkId, delivered };
    } catch (err) {
      // Kept for the sink's status; bounded, and never a credential (a URL or message may echo one).
      const message = scrubTokens(err instanceof Error ? err.message : String(err)).slice(0, 500);
      const at = clock.now();
      await store.recordFailure(db, sinkId, owner, message, at, new Date(at.getTime() + backoffMs(sink.failures + 1)));
      return { sinkId, delivered, error: message };
    }
  };

  const start = (sinkId: string): Promise<SinkRun> => {
    const existing = inFlight.get(sinkId);
    if (existing) return existing;
    const run = serve(sinkId).finally(() => inFlight.delete(sinkId));
    inFlight.set(sinkId, run);
    return run;
  };

  return {
    async runOnce() {
      const due = await store.dueSinks(db, clock.now());
      return Promise.all(due.map((s) => start(s.id)));
    },
    async tick() {
      return (await store.dueSinks(db, clock.now())).filter((s) => !inFlight.has(s.id)).map((s) => start(s.id));
    },
    async drain() {
      await Promise.allSettled([...inFlight.values()]);
    },
  };
}

type Log = (obj: Record<string, unknown>, msg: string) => void;

/** What the log says about one sink's run: failures as warnings (the sink keeps its own record too). */
function report(run: Promise<SinkRun>, logger: { warn: Log; error: Log } | undefined): void {
  run.then(
    (r) => r.error && logger?.warn({ sinkId: r.sinkId, delivered: r.delivered, error: r.error }, 'audit export: delivery failed; will retry'),
    (err: unknown) => logger?.error({ err }, 'audit export: a sink run failed'),
  );
}

/**
 * Run an exporter in the background every `intervalMs`; `stop()` waits for deliveries in flight.
 * @example const running = startAuditExporter(services.auditExporter, { logger }); … await running.stop();
 */
export function startAuditExporter(exporter: AuditExporter, opts: { intervalMs?: number; logger?: { warn: Log; error: Log } } = {}): { stop(): Promise<void> } {
  let stopped = false;
  let ticking: Promise<void> | null = null;
  const timer = setInterval(() => {
    if (stopped || ticking) return;
    ticking = exporter
      .tick()
      .then((runs) => runs.forEach((r) => report(r, opts.logger)))
      .catch((err: unknown) => opts.logger?.error({ err }, 'audit export: could not read the sinks'))
      .finally(() => {
        ticking = null;
      });
  }, opts.intervalMs ?? 1000);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await ticking;
      await exporter.drain();
    },
  };
}
