/**
 * @module authorizer/authz-epoch — knowing the authz epoch (migration 0005: bumped in the same
 * transaction as any change a decision depends on) as cheaply as strictness allows.
 *
 * PostgreSQL: every decision needs a read that *started after the question arrived* — a NOTIFY
 * from another server arrives some time after its commit, so it cannot be trusted alone. Reads go
 * over a connection of their own, so that the query is on the wire at once while the decision is
 * computed (the authorizer computes speculatively and keeps the answer if the epoch did not move),
 * and questions that arrive while a read is in flight share the next read. A request that already
 * had the epoch read for its token after it arrived (auth/token-cache.ts) decides with that read
 * (`since`): a revocation committed before the request began is seen either way, and one that
 * commits while the request is still arriving overlaps it, so either answer is a right one.
 *
 * PGlite: one process. The bump sends NOTIFY palisade_authz, which PGlite delivers to our listener
 * (queued as a microtask while it parses the COMMIT's reply, so before the committing call's
 * promise settles). Until a notification comes, the last epoch read is known to be current.
 */
import type { Database, Queryable, Session } from '../../db/database.ts';
import { readEpoch } from './authz-facts.ts';

export const AUTHZ_CHANNEL = 'palisade_authz';

export interface EpochWatcher {
  /** The epoch, from a read that starts now or later (shared with others who asked meanwhile). */
  read(): Promise<number>;
  /**
   * The epoch from a read that started at `t` (a `performance.now()` time) or later: one already
   * answered or on its way if there is one, else a new read.
   */
  since(t: number): Promise<number>;
  /** The epoch when it is certainly current without asking (PGlite, nothing notified since), else null. */
  known(): number | null;
  stats(): { reads: number; notified: boolean };
  close(): Promise<void>;
}

/** @example const epoch = createEpochWatcher(db); const now = epoch.known() ?? (await epoch.read()); */
export function createEpochWatcher(db: Database): EpochWatcher {
  let reads = 0;
  let last: number | null = null;
  // PGlite: true once our LISTEN is in place; `changed` until a read follows a notification.
  let notified = false;
  let changed = true;
  let session: Session | null = null;
  let opening: Promise<void> | null = null;
  let closed = false;

  if (db.dialect === 'pglite') {
    void db.session()
      .then((s) => s.listen(AUTHZ_CHANNEL, () => {
        changed = true;
      }))
      .then(() => {
        notified = true;
      })
      .catch(() => undefined);
  }

  /** PostgreSQL: open the reading connection in the background; until then (or if it breaks) use the pool. */
  const ensureSession = () => {
    if (db.dialect !== 'postgres' || session || opening || closed) return;
    opening = db.session()
      .then((s) => {
        if (closed) return void s.close();
        s.onLost(() => {
          if (session === s) session = null;
        });
        session = s;
      })
      .catch(() => undefined)
      .finally(() => {
        opening = null;
      });
  };

  // The latest answered read and when it started, for `since`.
  let answered: { startedAt: number; epoch: number } | null = null;
  let inFlightStartedAt = -Infinity;

  const readNow = (): Promise<number> => {
    ensureSession();
    reads += 1;
    const startedAt = performance.now();
    inFlightStartedAt = startedAt;
    // Cleared before the read: a notification arriving during it marks the next question to read again.
    // And nothing is known until the read answers: questions arriving meanwhile wait for a read too.
    changed = false;
    last = null;
    const q: Queryable = session ?? db;
    return readEpoch(q).then((epoch) => {
      last = epoch;
      if (!answered || startedAt >= answered.startedAt) answered = { startedAt, epoch };
      return epoch;
    });
  };

  let inFlight: Promise<number> | null = null;
  let queued: Promise<number> | null = null;
  const read = (): Promise<number> => {
    if (!inFlight) {
      const p = readNow();
      inFlight = p;
      const clear = () => {
        if (inFlight === p) inFlight = null;
      };
      p.then(clear, clear);
      return p;
    }
    // The read in flight was sent before this question arrived: join the one after it.
    queued ??= inFlight.then(() => undefined, () => undefined).then(() => {
      queued = null;
      return read();
    });
    return queued;
  };

  const since = (t: number): Promise<number> => {
    if (answered && answered.startedAt >= t) return Promise.resolve(answered.epoch);
    if (inFlight && inFlightStartedAt >= t) return inFlight;
    return read();
  };

  return {
    read,
    since,
    known: () => (notified && !changed ? last : null),
    stats: () => ({ reads, notified }),
    async close() {
      closed = true;
      await opening;
      await session?.close();
      session = null;
    },
  };
}
