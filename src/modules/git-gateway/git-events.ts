/**
 * @module git-gateway/git-events — writes the one audit event of each gateway request once its response has
 * finished. The git exchange is not a database transaction, so the event cannot share one: a failed write is
 * retried, and if the database stays unreachable the event is appended to a spool file in the data folder and
 * written with the next event that gets through, or when the server starts again. Only a crash of the process
 * between the end of a response and the write can lose an event; the window is one database round trip.
 *
 * The event is prepared once, with its id, and every attempt and the spool write that same row; the log
 * skips ids it already holds. So a retry after a commit whose answer was lost, or a spool drained again
 * after a crash between its commit and its removal, writes the event once.
 */
import { appendFile, mkdir, readFile, rename, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Database } from '../../db/database.ts';
import { parseRowLines, rowLines } from '../audit/audit-row-lines.ts';
import type { AuditService } from '../audit/audit-service.ts';
import type { AuditRow } from '../audit/audit-store.ts';
import type { AnyActor, RequestOrigin } from '../auth/actor.ts';
import type { AuditEventInput } from '../audit/audit-types.ts';

export interface GitEventRecorder {
  /** Records the event, retrying; never throws (a lasting failure goes to the spool file). */
  record(actor: AnyActor | RequestOrigin, event: AuditEventInput): Promise<void>;
  /** Resolves when every record started so far has finished (tests, shutdown). */
  settled(): Promise<void>;
  /** Writes spooled events to the database; returns how many were written. */
  drainSpool(): Promise<number>;
}

const RETRY_DELAYS_MS = [50, 250, 1000];
/** Per list in an event's details: a push of thousands of refs must not make an event the log refuses (1 MiB). */
export const MAX_LISTED = 1000;

/**
 * The details with every top-level list cut to its first `MAX_LISTED` items and `<name>Omitted` counting
 * the rest. An event the log refused would be retried and spooled for ever, holding back the spool.
 * @example boundLists({ refs: Array(1500).fill(r) }) // { refs: [first 1000], refsOmitted: 500 }
 */
export function boundLists(details: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...details };
  for (const [key, value] of Object.entries(details)) {
    if (Array.isArray(value) && value.length > MAX_LISTED) {
      out[key] = value.slice(0, MAX_LISTED);
      out[`${key}Omitted`] = value.length - MAX_LISTED;
    }
  }
  return out;
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** @example const events = createGitEventRecorder({ db, audit, spoolFile: '/data/git-gateway-unrecorded.jsonl' }); */
export function createGitEventRecorder(deps: {
  db: Database; audit: AuditService; spoolFile: string | null; onError?: (err: unknown, what: string) => void;
}): GitEventRecorder {
  const { db, audit, spoolFile } = deps;
  const inFlight = new Set<Promise<void>>();
  let draining: Promise<number> | null = null;

  const write = (rows: AuditRow[]) =>
    db.transaction(async (tx) => {
      await audit.recordPrepared(tx, rows);
    });

  const drainSpool = async (): Promise<number> => {
    if (spoolFile === null) return 0;
    const taken = `${spoolFile}.draining`;
    // A crash while draining leaves the taken file behind: drain it again (its rows keep their ids, so
    // those already written are skipped); never overwrite it.
    if (!existsSync(taken)) {
      try {
        await rename(spoolFile, taken);
      } catch {
        return 0; // nothing spooled
      }
    }
    const rows = parseRowLines(await readFile(taken, 'utf8'));
    try {
      await write(rows);
      await rm(taken, { force: true });
      return rows.length;
    } catch (err) {
      // Put them back for the next attempt.
      await appendFile(spoolFile, rowLines(rows));
      await rm(taken, { force: true });
      throw err;
    }
  };

  const attempt = async (actor: AnyActor | RequestOrigin, event: AuditEventInput) => {
    const row = audit.prepare(actor, event);
    for (let i = 0; ; i++) {
      try {
        await write([row]);
        break;
      } catch (err) {
        if (i >= RETRY_DELAYS_MS.length) {
          deps.onError?.(err, 'git event could not be recorded; spooled');
          if (spoolFile === null) return;
          await mkdir(dirname(spoolFile), { recursive: true });
          await appendFile(spoolFile, rowLines([row]));
          return;
        }
        await sleep(RETRY_DELAYS_MS[i]!);
      }
    }
    if (spoolFile !== null && draining === null) {
      draining = drainSpool().catch((err: unknown) => {
        deps.onError?.(err, 'spooled git events could not be recorded yet');
        return 0;
      }).finally(() => {
        draining = null;
      });
      await draining;
    }
  };

  return {
    record(actor, event) {
      const p = attempt(actor, { ...event, details: boundLists(event.details ?? {}) }).catch((err: unknown) => deps.onError?.(err, 'git event lost'));
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p));
      return p;
    },
    async settled() {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
    drainSpool,
  };
}
