/**
 * @module db/leader — background work that exactly one server per database does at a time. The
 * leader holds a PostgreSQL session advisory lock on a dedicated connection (`Database.session()`);
 * the others try again every `electionMs` and take over when the leader's connection dies. The
 * leader runs one pass at a time, woken by NOTIFY on `channel`, by a poll as a fallback, and by
 * `wake()`; a wake-up during a pass asks for another pass after it, as does a pass that says there
 * is more to do. The audit sequencer and detection both run this way.
 */
import type { Database, Session } from './database.ts';

type Log = (obj: Record<string, unknown>, msg: string) => void;

export interface LeaderLoopOptions {
  db: Database;
  lockKey: number;
  /** NOTIFY channel that wakes the leader. */
  channel: string;
  /** For log lines: `${name} pass failed`, `lost the ${name} lock`, `${name} election failed`. */
  name: string;
  /** Logged when this server becomes the leader. */
  leadMessage: string;
  pollMs: number;
  electionMs: number;
  logger?: { info: Log; warn: Log; error: Log } | undefined;
  /** One pass of the work; resolves true when more is waiting. A failure is logged and retried at the next wake-up. */
  pass(): Promise<boolean>;
  /** Right after this server became the leader (and its first pass was asked for). */
  onLead?: () => void;
  /** Whenever it stops being the leader: lost connection, failed election, stop. */
  onStepDown?: () => void;
  /** After the lock was lost with its connection (and after `onStepDown`). */
  onLost?: () => void;
}

export interface LeaderLoop {
  readonly isLeader: boolean;
  /** Ask the leader for a pass (ignored when not the leader). */
  wake(): void;
  /**
   * Stop: finish the election and the pass in progress, run `beforeRelease(wasLeader)`, then close the
   * connection and with it the lock.
   */
  stop(beforeRelease?: (wasLeader: boolean) => Promise<void>): Promise<void>;
}

/** @example const loop = startLeaderLoop({ db, lockKey: 7_301_004, channel: 'palisade_audit', name: 'audit sequencer', leadMessage: '…', pollMs: 1000, electionMs: 1000, pass }); */
export function startLeaderLoop(opts: LeaderLoopOptions): LeaderLoop {
  const { db, name } = opts;
  const log = opts.logger;

  let stopped = false;
  let leader = false;
  let session: Session | null = null;
  let electionTimer: NodeJS.Timeout | undefined;
  let pollTimer: NodeJS.Timeout | undefined;
  let pass: Promise<void> | null = null;
  let again = false;

  const runPass = async () => {
    try {
      if (await opts.pass()) again = true;
    } catch (err) {
      // The pass's transaction rolled back; nothing is lost. Try again on the next wake-up or poll.
      log?.error({ err }, `${name} pass failed; it will be retried`);
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

  // The election in progress, awaited by stop() so that a connection it is still opening is closed too.
  let election: Promise<void> = Promise.resolve();
  const retryElection = () => {
    if (!stopped) {
      electionTimer = setTimeout(() => {
        election = elect();
      }, opts.electionMs);
    }
  };

  const stepDown = () => {
    leader = false;
    clearInterval(pollTimer);
    opts.onStepDown?.();
  };

  const elect = async () => {
    if (stopped) return;
    try {
      if (!session) {
        const s = await db.session();
        s.onLost((err) => {
          if (session !== s) return;
          session = null;
          if (leader) log?.warn({ err: err.message }, `lost the ${name} lock with its database connection; another server may take over`);
          stepDown();
          opts.onLost?.();
          retryElection();
        });
        session = s;
      }
      const [row] = await session.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [opts.lockKey]);
      if (stopped) return;
      if (!row?.ok) return retryElection();
      leader = true;
      await session.listen(opts.channel, wake);
      pollTimer = setInterval(wake, opts.pollMs);
      log?.info({}, opts.leadMessage);
      wake();
      opts.onLead?.();
    } catch (err) {
      log?.warn({ err: (err as Error).message }, `${name} election failed; retrying`);
      const s = session;
      session = null;
      stepDown();
      await s?.close();
      retryElection();
    }
  };

  election = elect();

  return {
    get isLeader() {
      return leader;
    },
    wake,
    async stop(beforeRelease) {
      stopped = true;
      clearTimeout(electionTimer);
      await election;
      const wasLeader = leader;
      stepDown();
      while (pass) await pass;
      await beforeRelease?.(wasLeader);
      const s = session;
      session = null;
      await s?.close();
    },
  };
}
