/**
 * @module detection/detection-engine — evaluates integrated audit events in log order. Each batch
 * is read after the saved position, enriched, evaluated, and its alerts, newly seen addresses and
 * the new position are written in ONE transaction: a restart resumes exactly after the last
 * committed batch, so no event is skipped or evaluated twice. Correlation windows live in memory;
 * on start (and after a failed batch) the events of the last longest-timespan before the position
 * are replayed silently to rebuild them.
 */
import type { Clock } from '../../core/clock.ts';
import type { Database, Queryable } from '../../db/database.ts';
import type { AuditService } from '../audit/audit-service.ts';
import { toEvent, type DbRow } from '../audit/audit-store.ts';
import type { AuditEvent } from '../audit/audit-types.ts';
import { raiseAlert, type ChannelThreshold, type EventFacts } from './alert-raise.ts';
import type { Severity } from './detection-types.ts';
import { eventTime, prepareBatch, sourceAddressOf } from './enrichment.ts';
import { recordSeenAddresses } from './enrichment-store.ts';
import type { RuleSet, RuleSetFactory, SigmaEvent, SigmaMatch } from './rule-set.ts';

/** Events of these types are read but never evaluated: the engine's own alerts must not raise alerts. */
export const UNEVALUATED_PREFIXES = ['alert.', 'notification_channel.'] as const;
export const DEFAULT_BATCH = 500;
export const DEFAULT_GROUP_WINDOW_MS = 60 * 60_000;
/** Most batches in one runOnce, so that a long backlog still lets the runner deliver alerts. */
const MAX_BATCHES_PER_RUN = 20;
/** Events remembered for describing correlation alerts (beyond it, older events are read from the log). */
const MAX_REMEMBERED = 200_000;

type Log = (obj: Record<string, unknown>, msg: string) => void;

export interface DetectionEngineOptions {
  batchSize?: number;
  /** Further firings of a rule for a subject within this time of the last one join its alert. */
  groupWindowMs?: number;
  logger?: { warn: Log; error: Log } | undefined;
}

export interface RunResult {
  evaluated: number;
  /** New alerts (not firings folded into an existing alert). */
  raised: string[];
  firings: number;
  /** A backlog remains: call again. */
  more: boolean;
}

export interface DetectionEngine {
  /** Evaluate everything integrated since the saved position (bounded; `more` says if a backlog remains). */
  runOnce(): Promise<RunResult>;
  /** The leaf index of the last evaluated event (-1: none). */
  position(): Promise<number>;
  /** Forget the in-memory correlation windows (as after a restart); the next run replays. */
  reset(): void;
}

/**
 * The engine over one database; `rules` builds fresh rule sets (one now, another after a failure).
 * @example const engine = createDetectionEngine({ db, clock, audit, rules }); await engine.runOnce();
 */
export function createDetectionEngine(deps: { db: Database; clock: Clock; audit: AuditService; rules: RuleSetFactory }, opts: DetectionEngineOptions = {}): DetectionEngine {
  const { db, clock, audit, rules } = deps;
  const batchSize = opts.batchSize ?? DEFAULT_BATCH;
  const groupWindowMs = opts.groupWindowMs ?? DEFAULT_GROUP_WINDOW_MS;
  const log = opts.logger;
  let ruleSet: RuleSet = rules.create();
  let replayed = false;
  const remembered = new Map<string, EventFacts>();

  const remember = (e: AuditEvent, sigma: SigmaEvent) => {
    const dev = sigma.fields.developer as { id: string; handle: string } | undefined;
    const eng = sigma.fields.engagement as { id: string } | undefined;
    remembered.set(e.id, {
      leafIndex: e.leafIndex!, time: sigma.time, developerId: dev?.id ?? null, developerHandle: dev?.handle ?? null,
      engagementId: eng?.id ?? null, address: sourceAddressOf(e),
    });
    // Forget what no correlation window can still hold (map order is log order).
    const horizon = sigma.time.getTime() - rules.maxTimespanMs - 60_000;
    for (const [id, f] of remembered) {
      if (f.time.getTime() >= horizon && remembered.size <= MAX_REMEMBERED) break;
      remembered.delete(id);
    }
  };

  const evaluated = (e: AuditEvent) => !UNEVALUATED_PREFIXES.some((p) => e.type.startsWith(p));

  const evaluate = (sigma: SigmaEvent): SigmaMatch[] => {
    try {
      return ruleSet.evaluate(sigma);
    } catch (err) {
      // A rule-engine fault on one event must not stop detection for every later event.
      log?.error({ err, eventId: sigma.id }, 'detection: evaluating an event failed; it was skipped');
      return [];
    }
  };

  const readAfter = async (q: Queryable, position: number, limit: number) =>
    (await q.query<DbRow>('SELECT * FROM audit_log_entries WHERE leaf_index > $1 ORDER BY leaf_index LIMIT $2', [position, limit])).map(toEvent);

  /** Rebuild the correlation windows from the events before `position`, raising nothing. */
  const replay = async (position: number) => {
    replayed = true;
    if (rules.maxTimespanMs <= 0 || position < 0) return;
    const [last] = await db.query<{ occurred_at: Date }>('SELECT occurred_at FROM audit_log_entries WHERE leaf_index = $1', [position]);
    if (!last) return;
    // occurred_at can run behind an ingested event's own time; a margin covers delayed ingestion.
    const since = new Date(last.occurred_at.getTime() - rules.maxTimespanMs - 60_000);
    const first = (await db.query<{ first: number | null }>(
      'SELECT min(leaf_index) AS first FROM audit_log_entries WHERE occurred_at >= $1 AND leaf_index <= $2', [since, position]))[0]?.first;
    if (first === null || first === undefined) return;
    let after: number = first - 1;
    while (after < position) {
      const events: AuditEvent[] = (await readAfter(db, after, batchSize)).filter((e) => e.leafIndex! <= position);
      if (events.length === 0) break;
      const ctx = await prepareBatch(db, events);
      for (const e of events) {
        if (!evaluated(e)) continue;
        const sigma = ctx.toSigma(e);
        remember(e, sigma);
        evaluate(sigma);
      }
      after = events[events.length - 1]!.leafIndex!;
    }
  };

  const channelsIn = async (q: Queryable): Promise<ChannelThreshold[]> =>
    (await q.query<{ id: string; min_severity: Severity }>("SELECT id, min_severity FROM notification_channels WHERE status = 'active'"))
      .map((r) => ({ id: r.id, minSeverity: r.min_severity }));

  const readPosition = async (q: Queryable, lock: boolean) =>
    (await q.query<{ position: number }>(`SELECT position FROM detection_state WHERE id = 1${lock ? ' FOR UPDATE' : ''}`))[0]!.position;

  const runBatch = async (): Promise<{ evaluated: number; raised: string[]; firings: number; full: boolean }> => {
    // Outside the batch's transaction: PGlite is one connection, and the replay reads through it.
    if (!replayed) await replay(await readPosition(db, false));
    return db.transaction(async (tx) => {
      const position = await readPosition(tx, true);
      const events = await readAfter(tx, position, batchSize);
      if (events.length === 0) return { evaluated: 0, raised: [], firings: 0, full: false };
      const ctx = await prepareBatch(tx, events);
      const matches: SigmaMatch[] = [];
      let count = 0;
      for (const e of events) {
        if (!evaluated(e)) continue;
        count += 1;
        const sigma = ctx.toSigma(e);
        remember(e, sigma);
        matches.push(...evaluate(sigma));
      }
      const raised: string[] = [];
      if (matches.length > 0) {
        const facts = await factsFor(tx, matches);
        const channels = await channelsIn(tx);
        for (const m of matches) {
          const r = await raiseAlert(tx, { clock, audit, groupWindowMs }, m, facts, channels);
          if (r.created) raised.push(r.alertId);
        }
      }
      await recordSeenAddresses(tx, ctx.newlySeen);
      await tx.query('UPDATE detection_state SET position = $1, updated_at = $2 WHERE id = 1', [events[events.length - 1]!.leafIndex, clock.now()]);
      return { evaluated: count, raised, firings: matches.length, full: events.length === batchSize };
    });
  };

  /** Facts of every event the matches name: remembered, else read from the log (older than memory). */
  const factsFor = async (q: Queryable, matches: SigmaMatch[]): Promise<Map<string, EventFacts>> => {
    const facts = new Map<string, EventFacts>();
    const missing = new Set<string>();
    for (const m of matches) {
      for (const id of m.eventIds) {
        const f = remembered.get(id);
        if (f) facts.set(id, f);
        else missing.add(id);
      }
    }
    if (missing.size > 0) {
      const rows = (await q.query<DbRow>('SELECT * FROM audit_log_entries WHERE id = ANY($1::uuid[])', [[...missing]])).map(toEvent);
      const ctx = await prepareBatch(q, rows);
      for (const e of rows) {
        const sigma = ctx.toSigma(e);
        const dev = sigma.fields.developer as { id: string; handle: string } | undefined;
        const eng = sigma.fields.engagement as { id: string } | undefined;
        facts.set(e.id, { leafIndex: e.leafIndex!, time: eventTime(e), developerId: dev?.id ?? null, developerHandle: dev?.handle ?? null, engagementId: eng?.id ?? null, address: sourceAddressOf(e) });
      }
    }
    return facts;
  };

  const reset = () => {
    ruleSet = rules.create();
    remembered.clear();
    replayed = false;
  };

  return {
    async runOnce() {
      const result: RunResult = { evaluated: 0, raised: [], firings: 0, more: false };
      for (let i = 0; i < MAX_BATCHES_PER_RUN; i++) {
        let batch;
        try {
          batch = await runBatch();
        } catch (err) {
          // Rolled back: the position did not move, but the windows saw the batch. Start them afresh.
          reset();
          throw err;
        }
        result.evaluated += batch.evaluated;
        result.raised.push(...batch.raised);
        result.firings += batch.firings;
        if (!batch.full) return result;
      }
      result.more = true;
      return result;
    },
    position: () => readPosition(db, false),
    reset,
  };
}
