/**
 * @module git-gateway/git-events — writes the one audit event of each gateway request once its response has
 * finished. The git exchange is not a database transaction, so the event cannot share one: a failed write is
 * retried, and if the database stays unreachable the event is appended to a spool file in the data folder and
 * written with the next event that gets through, or when the server starts again. Only a crash of the process
 * between the end of a response and the write can lose an event; the window is one database round trip.
 */
import { appendFile, mkdir, readFile, rename, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Database } from '../../db/database.ts';
import type { AuditService } from '../audit/audit-service.ts';
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

  const write = (actor: AnyActor | RequestOrigin, event: AuditEventInput) =>
    db.transaction(async (tx) => {
      await audit.record(tx, actor, event);
    });

  const drainSpool = async (): Promise<number> => {
    if (spoolFile === null) return 0;
    const taken = `${spoolFile}.draining`;
    // A crash while draining leaves the taken file behind: drain it again (a crash after its events were
    // written but before it was removed writes them twice — a duplicate, never a loss); never overwrite it.
    if (!existsSync(taken)) {
      try {
        await rename(spoolFile, taken);
      } catch {
        return 0; // nothing spooled
      }
    }
    const lines = (await readFile(taken, 'utf8')).split('\n').filter((l) => l.trim() !== '');
    const items = lines.map((l) => JSON.parse(l) as { actor: AnyActor | RequestOrigin; event: AuditEventInput });
    try {
      await db.transaction(async (tx) => {
        await audit.recordMany(tx, items);
      });
      await rm(taken, { force: true });
      return items.length;
    } catch (err) {
      // Put them back for the next attempt.
      await appendFile(spoolFile, lines.map((l) => l + '\n').join(''));
      await rm(taken, { force: true });
      throw err;
    }
  };

  const attempt = async (actor: AnyActor | RequestOrigin, event: AuditEventInput) => {
    for (let i = 0; ; i++) {
      try {
        await write(actor, event);
        break;
      } catch (err) {
        if (i >= RETRY_DELAYS_MS.length) {
          deps.onError?.(err, 'git event could not be recorded; spooled');
          if (spoolFile === null) return;
          const spooled = { ...event, details: { ...event.details, spooledAt: new Date().toISOString() } };
          await mkdir(dirname(spoolFile), { recursive: true });
          await appendFile(spoolFile, JSON.stringify({ actor, event: spooled }) + '\n');
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
