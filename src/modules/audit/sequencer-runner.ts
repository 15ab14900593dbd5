/**
 * @module audit/sequencer-runner — runs the sequencer in the background of a server: exactly one
 * server per database is the sequencer (db/leader.ts: a session advisory lock; the others take over
 * when its connection dies), woken at once by NOTIFY when events commit, by a poll as a fallback, and
 * signing a checkpoint at most every `checkpointIntervalMs`.
 */
import type { Database } from '../../db/database.ts';
import { startLeaderLoop } from '../../db/leader.ts';
import type { Sequencer } from './sequencer.ts';
import type { StoredCheckpoint } from './tlog-store.ts';

/** The advisory lock whose holder is the sequencer (the other keys: 7_301_001 migrations, _002 bootstrap, _003 key creation). */
export const SEQUENCER_LOCK_KEY = 7_301_004;
/** NOTIFY channel of migration 0002's trigger on audit_events. */
export const AUDIT_CHANNEL = 'palisade_audit';

type Log = (obj: Record<string, unknown>, msg: string) => void;

export interface SequencerRunnerOptions {
  logger?: { info: Log; warn: Log; error: Log } | undefined;
  /** Least time between two checkpoints while events arrive (the first after a quiet spell is signed at once). */
  checkpointIntervalMs?: number;
  /** Look for pending events this often even without a notification (a missed NOTIFY costs at most this). */
  pollMs?: number;
  /** How often a server that is not the sequencer tries to become it. */
  electionMs?: number;
  /** Called after each checkpoint is committed (benchmarks, tests). */
  onCheckpoint?: (checkpoint: StoredCheckpoint) => void;
}

export interface RunningSequencer {
  /** Whether this server currently holds the sequencer lock. */
  readonly isLeader: boolean;
  /** Finish the pass in progress, do a last one if leader, release the lock. */
  stop(): Promise<void>;
}

export const DEFAULT_CHECKPOINT_INTERVAL_MS = 250;

/**
 * Start the background sequencer; call `stop()` on shutdown.
 * @example const running = startAuditSequencer({ db, sequencer }, { logger }); … await running.stop();
 */
export function startAuditSequencer(deps: { db: Database; sequencer: Sequencer }, opts: SequencerRunnerOptions = {}): RunningSequencer {
  const { db, sequencer } = deps;
  const interval = opts.checkpointIntervalMs ?? DEFAULT_CHECKPOINT_INTERVAL_MS;
  const pollMs = opts.pollMs ?? 1000;
  const log = opts.logger;

  let stopped = false;
  let lastCheckpointAt = -Infinity;
  let checkpointTimer: NodeJS.Timeout | undefined;

  // Every server (leader or not) keeps its tree cache current, so its proofs need no query for the
  // tree: at start, then every poll (the leader's own batches go in as they commit).
  let caching: Promise<void> = Promise.resolve();
  let cacheBusy = false;
  const fillCache = () => {
    if (stopped || cacheBusy) return;
    cacheBusy = true;
    caching = sequencer
      .fillTreeCache()
      .catch((err: unknown) => log?.warn({ err: (err as Error).message }, 'could not copy the audit tree into memory; proofs read it from the database'))
      .finally(() => {
        cacheBusy = false;
      });
  };
  fillCache();
  const cacheTimer = setInterval(fillCache, pollMs);
  cacheTimer.unref();

  const loop = startLeaderLoop({
    db, lockKey: SEQUENCER_LOCK_KEY, channel: AUDIT_CHANNEL, name: 'audit sequencer', leadMessage: 'this server is the audit sequencer',
    pollMs, electionMs: opts.electionMs ?? 1000, logger: log,
    async pass() {
      // Bounded, so that under sustained load checkpoints still come every interval.
      const { more } = await sequencer.integrateFor(interval);
      // Asked for now (a wake-up during the pass), so a failed checkpoint below does not lose it.
      if (more) loop.wake();
      const wait = lastCheckpointAt + interval - performance.now();
      if (wait <= 0) {
        const checkpoint = await sequencer.signCheckpoint();
        if (checkpoint) {
          lastCheckpointAt = performance.now();
          opts.onCheckpoint?.(checkpoint);
        }
      } else {
        checkpointTimer ??= setTimeout(() => {
          checkpointTimer = undefined;
          loop.wake();
        }, wait);
      }
      return false;
    },
    onStepDown() {
      clearTimeout(checkpointTimer);
      checkpointTimer = undefined;
    },
  });

  return {
    get isLeader() {
      return loop.isLeader;
    },
    async stop() {
      stopped = true;
      clearInterval(cacheTimer);
      await caching;
      await loop.stop(async (wasLeader) => {
        if (!wasLeader) return;
        await sequencer.runOnce().catch((err: unknown) => log?.warn({ err: (err as Error).message }, 'last audit sequencer pass failed'));
      });
    },
  };
}
