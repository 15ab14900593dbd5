/**
 * @module authorizer/deny-recorder — writes `authz.denied` events with group commit. A deny is
 * answered only once its event is durable, but denials share writes: a write starts one turn of the
 * event loop after the first denial that waits for it (so every request already read in that turn
 * joins), and denials that arrive while a write is on its way share the next one. Each write is a
 * single multi-row INSERT (atomic by itself, one round trip, no explicit transaction). PGlite runs a
 * statement synchronously on the event loop, so without that turn every denial would start its own
 * write before the next request was even read.
 */
import type { Queryable } from '../../db/database.ts';
import type { AuditService } from '../audit/audit-service.ts';
import type { AuditEventInput } from '../audit/audit-types.ts';
import type { AnyActor, RequestOrigin } from '../auth/actor.ts';

type Item = { actor: AnyActor | RequestOrigin; event: AuditEventInput };

export interface DenyRecorder {
  /** Resolves when the events are stored (rejects if the write failed: the caller must not answer). */
  record(items: Item[]): Promise<void>;
}

/** @example const denials = createDenyRecorder(db, audit); await denials.record([{ actor, event }]); */
export function createDenyRecorder(db: Queryable, audit: AuditService): DenyRecorder {
  let waiting: { items: Item[]; done: Promise<void>; settle: (err?: unknown) => void } | null = null;
  let inFlight: Promise<void> | null = null;

  const flush = () => {
    const batch = waiting!;
    waiting = null;
    inFlight = audit.recordMany(db, batch.items).then(() => batch.settle(), (err: unknown) => batch.settle(err)).finally(() => {
      inFlight = null;
      if (waiting) flush();
    });
  };
  /** Start a write one event-loop turn from now, unless one is on its way (its end starts the next). */
  const schedule = () => {
    if (inFlight) return;
    inFlight = new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
      inFlight = null;
      if (waiting) flush();
    });
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
  };
}
