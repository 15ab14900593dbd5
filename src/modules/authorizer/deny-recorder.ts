/**
 * @module authorizer/deny-recorder — writes `authz.denied` events, and answers a deny only once its
 * event survives a crash of this process.
 *
 * With a journal folder (the server's data folder), a denial's event is appended to a journal file
 * before the deny is answered — one `write` to the operating system, which keeps it even if this
 * process is killed the next instant — and reaches the database in group commits: at most
 * `flushMs` later, or sooner once `MAX_BATCH` are waiting. A committed journal file is deleted; a
 * file left by a process that died is written to the database when a server next starts on the
 * folder (`recover`). Rows keep the id they were journaled with and the database skips ids it already
 * has, so a file written again after a crash between its commit and its deletion duplicates nothing.
 * What this does not survive is the loss of the machine's page cache (power loss) before the
 * operating system wrote the file out, as with every other write that is not fsync'ed.
 *
 * Without a journal folder (tests, in-memory databases), a deny is answered once its event is
 * committed: a write starts one turn of the event loop after the first denial waiting for it (so
 * every request already read in that turn joins — PGlite runs a statement synchronously on the event
 * loop, so otherwise each denial would start its own write before the next request was read), and
 * denials arriving while a write is on its way share the next one.
 */
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Queryable } from '../../db/database.ts';
import type { AuditService } from '../audit/audit-service.ts';
import { parseRowLines, rowLines } from '../audit/audit-row-lines.ts';
import type { AuditRow } from '../audit/audit-store.ts';
import type { AuditEventInput } from '../audit/audit-types.ts';
import type { AnyActor, RequestOrigin } from '../auth/actor.ts';

type Item = { actor: AnyActor | RequestOrigin; event: AuditEventInput };

export interface DenyRecorder {
  /** Resolves when the events are safe (journaled, or stored); rejects otherwise: the caller must not answer. */
  record(items: Item[]): Promise<void>;
  /** Writes every journaled event to the database now (tests, shutdown); rejects if the database refuses. */
  flush(): Promise<void>;
  /** Writes journal files left by processes that are gone to the database; returns how many events. */
  recover(): Promise<number>;
  /** Flushes and stops the timer. Files that could not be written stay for the next start. */
  close(): Promise<void>;
}

/**
 * How long a journaled denial may wait for its group commit. Each commit costs the database a fixed
 * amount and wakes the audit sequencer and detection for a pass each; at 300 denials a second,
 * commits every 200 ms instead of every 50 ms cost the embedded database's server 168 ms of CPU per
 * second instead of 302 (bench/authorizer/deny-pipeline.ts). The denial is durable in the journal
 * meanwhile; only its arrival in the log waits.
 */
const FLUSH_MS = 200;
/** A group commit starts at once when this many are waiting; also the most rows one INSERT takes. */
const MAX_BATCH = 1000;
/** After a failed commit, the journal files are tried again this much later. */
const RETRY_MS = 1000;

const FILE = /^denials-(.+)-(\d+)-([0-9a-f]{12})-(\d+)\.jsonl$/;

/** Whether process `pid` on this machine is running (a journal file of a live server is not ours to take). */
function alive(pid: number): boolean {
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * @example const denials = createDenyRecorder({ db, audit, journalDir: join(dataDir, 'authz-denials') });
 * await denials.record([{ actor, event }]);
 */
export function createDenyRecorder(deps: {
  db: Queryable; audit: AuditService; journalDir?: string | null; flushMs?: number; onError?: (err: unknown, what: string) => void;
}): DenyRecorder {
  const { db, audit } = deps;
  return deps.journalDir ? journaled({ ...deps, journalDir: deps.journalDir }) : direct(db, audit);
}

function direct(db: Queryable, audit: AuditService): DenyRecorder {
  let waiting: { items: Item[]; done: Promise<void>; settle: (err?: unknown) => void } | null = null;
  let inFlight: Promise<void> | null = null;

  const flushNow = () => {
    const batch = waiting!;
    waiting = null;
    inFlight = audit.recordMany(db, batch.items).then(() => batch.settle(), (err: unknown) => batch.settle(err)).finally(() => {
      inFlight = null;
      if (waiting) flushNow();
    });
  };
  /** Start a write one event-loop turn from now, unless one is on its way (its end starts the next). */
  const schedule = () => {
    if (inFlight) return;
    inFlight = new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
      inFlight = null;
      if (waiting) flushNow();
    });
  };

  /** Resolves once nothing is waiting or being written (a failed write has already rejected its callers). */
  const drain = async () => {
    while (inFlight || waiting) await (inFlight ?? waiting!.done.catch(() => undefined));
  };

  return {
    record(items) {
      if (items.length === 0) return Promise.resolve();
      if (!waiting) {
        let settle!: (err?: unknown) => void;
        const done = new Promise<void>((resolve, reject) => {
          settle = (err) => (err === undefined ? resolve() : reject(err));
        });
        waiting = { items: [], done, settle };
      }
      waiting.items.push(...items);
      const { done } = waiting;
      schedule();
      return done;
    },
    flush: drain,
    recover: () => Promise.resolve(0),
    close: drain,
  };
}

function journaled(deps: {
  db: Queryable; audit: AuditService; journalDir: string; flushMs?: number; onError?: (err: unknown, what: string) => void;
}): DenyRecorder {
  const { db, audit, journalDir } = deps;
  const flushMs = deps.flushMs ?? FLUSH_MS;
  // host-pid-random: recovery takes only files of processes on this host that are gone.
  const host = hostname().replace(/[^A-Za-z0-9.]/g, '_') || 'host';
  const instance = `${host}-${process.pid}-${randomBytes(6).toString('hex')}`;
  let fileNo = 0;
  /** The file being appended to, with the rows it holds that are not yet committed. */
  let open: { path: string; fd: number; rows: AuditRow[] } | null = null;
  /** Files closed for commit whose commit failed: tried again later, read back from disk. */
  const failed: string[] = [];
  let timer: NodeJS.Timeout | null = null;
  let flushing: Promise<void> | null = null;
  let closed = false;
  let folderMade = false;

  const commitFile = async (path: string, rows: AuditRow[]) => {
    for (let i = 0; i < rows.length; i += MAX_BATCH) await audit.recordPrepared(db, rows.slice(i, i + MAX_BATCH));
    unlinkSync(path);
  };

  const flushOnce = async (): Promise<void> => {
    if (timer) {
      clearTimeout(timer);
      timer = null;
    }
    const taken = open;
    open = null;
    if (taken) closeSync(taken.fd);
    // Files whose commit failed before are read back from disk; the one just closed has its rows in memory.
    const files: { path: string; rows: AuditRow[] | null }[] = failed.splice(0).map((path) => ({ path, rows: null }));
    if (taken) files.push(taken);
    let firstError: unknown = null;
    for (const { path, rows } of files) {
      try {
        await commitFile(path, rows ?? parseRowLines(readFileSync(path, 'utf8')));
      } catch (err) {
        failed.push(path);
        firstError ??= err;
      }
    }
    if (firstError !== null) {
      deps.onError?.(firstError, 'denial events could not be written to the database yet; they stay journaled');
      if (!closed) timer = setTimeout(() => void flush().catch(() => undefined), RETRY_MS).unref();
      throw firstError;
    }
  };

  const flush = (): Promise<void> => {
    // One commit at a time; a flush asked for during one runs after it (it may have new rows).
    const next: Promise<void> = (flushing ?? Promise.resolve()).catch(() => undefined).then(flushOnce);
    flushing = next;
    void next.finally(() => {
      if (flushing === next) flushing = null;
    }).catch(() => undefined);
    return next;
  };

  const append = (rows: AuditRow[]) => {
    if (!open) {
      if (!folderMade) mkdirSync(journalDir, { recursive: true, mode: 0o700 });
      folderMade = true;
      const path = join(journalDir, `denials-${instance}-${++fileNo}.jsonl`);
      open = { path, fd: openSync(path, 'a', 0o600), rows: [] };
    }
    const bytes = Buffer.from(rowLines(rows), 'utf8');
    // One write; a short write (full disk) throws below, and the caller then does not answer.
    if (writeSync(open.fd, bytes) !== bytes.length) throw new Error('the denial journal could not be written in full');
    open.rows.push(...rows);
    if (open.rows.length >= MAX_BATCH) void flush().catch(() => undefined);
    else if (!timer) timer = setTimeout(() => void flush().catch(() => undefined), flushMs).unref();
  };

  return {
    record(items) {
      if (items.length === 0) return Promise.resolve();
      try {
        append(items.map(({ actor, event }) => audit.prepare(actor, event)));
        return Promise.resolve();
      } catch (err) {
        return Promise.reject(err);
      }
    },
    flush,
    async recover() {
      let names: string[];
      try {
        names = readdirSync(journalDir);
      } catch {
        return 0;
      }
      let count = 0;
      for (const name of names.sort()) {
        const m = FILE.exec(name);
        if (!m || m[1] !== host || `${m[1]}-${m[2]}-${m[3]}` === instance || alive(Number(m[2]))) continue;
        const path = join(journalDir, name);
        const rows = parseRowLines(readFileSync(path, 'utf8'));
        await commitFile(path, rows);
        count += rows.length;
      }
      return count;
    },
    async close() {
      closed = true;
      await flush().catch(() => undefined);
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}
