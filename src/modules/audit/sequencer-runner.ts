/**
 * @module audit/sequencer-runner — runs the sequencer in the background of a server: exactly one
 * server per database is the sequencer (PostgreSQL session advisory lock on a dedicated connection;
 * the others retry and take over when its connection dies), woken at once by NOTIFY when events
 * commit, by a poll as a fallback, and signing a checkpoint at most every `checkpointIntervalMs`.
 */
import type { Database, Session } from '../../db/database.ts';
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
  const electionMs = opts.electionMs ?? 1000;
  const log = opts.logger;

  let stopped = false;
  let leader = false;
  let session: Session | null = null;
  let pass: Promise<void> | null = null;
  let again = false;
  let lastCheckpointAt = -Infinity;
  let electionTimer: NodeJS.Timeout | undefined;
  let pollTimer: NodeJS.Timeout | undefined;
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

  // The election in progress, awaited by stop() so that a connection it is still opening is closed too.
  let election: Promise<void> = Promise.resolve();
  const retryElection = () => {
    if (!stopped) {
      electionTimer = setTimeout(() => {
        election = elect();
      }, electionMs);
    }
  };

  const stepDown = () => {
    leader = false;
    clearInterval(pollTimer);
    clearTimeout(checkpointTimer);
    checkpointTimer = undefined;
  };

  const elect = async () => {
    if (stopped) return;
    try {
      if (!session) {
        const s = await db.session();
        s.onLost((err) => {
          if (session !== s) return;
          session = null;
          if (leader) log?.warn({ err: err.message }, 'lost the audit sequencer lock with its database connection; another server may take over');
          stepDown();
          retryElection();
        });
        session = s;
      }
      const [row] = await session.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [SEQUENCER_LOCK_KEY]);
      if (stopped) return;
      if (!row?.ok) return retryElection();
      leader = true;
      await session.listen(AUDIT_CHANNEL, wake);
      pollTimer = setInterval(wake, pollMs);
      log?.info({}, 'this server is the audit sequencer');
      wake();
    } catch (err) {
      log?.warn({ err: (err as Error).message }, 'audit sequencer election failed; retrying');
      const s = session;
      session = null;
      stepDown();
      await s?.close();
      retryElection();
    }
  };

  const runPass = async () => {
    try {
      // Bounded, so that under sustained load checkpoints still come every interval.
      const { more } = await sequencer.integrateFor(interval);
      if (more) again = true;
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
          wake();
        }, wait);
      }
    } catch (err) {
      // The transaction rolled back; nothing is lost. Try again on the next wake-up or poll.
      log?.error({ err }, 'audit sequencer pass failed; it will be retried');
    }
  };

  function wake() {
    if (!leader || stopped) return;
    if (pass) {
      again = true;
      return;
    }
    pass = runPass().finally(() => {
      pass = null;
      if (again) {
        again = false;
        wake();
      }
    });
  }

  election = elect();

  return {
    get isLeader() {
      return leader;
    },
    async stop() {
      stopped = true;
      clearTimeout(electionTimer);
      clearInterval(cacheTimer);
      await election;
      await caching;
      const wasLeader = leader;
      stepDown();
      while (pass) await pass;
      if (wasLeader) {
        await sequencer.runOnce().catch((err: unknown) => log?.warn({ err: (err as Error).message }, 'last audit sequencer pass failed'));
      }
      const s = session;
      session = null;
      await s?.close();
    },
  };
}
