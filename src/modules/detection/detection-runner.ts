/**
 * @module detection/detection-runner — runs detection in the background of a server. One server per
 * database evaluates (db/leader.ts with advisory lock 7_301_006; the others take over when its
 * connection dies). It is woken by NOTIFY palisade_log_grew
 * (migration 0008: the log grew) with a short poll as a fallback, and sends due alert deliveries
 * right after raising alerts and on a timer for retries.
 */
import type { Database } from '../../db/database.ts';
import { startLeaderLoop } from '../../db/leader.ts';
import type { AlertDispatcher } from './alert-dispatcher.ts';
import type { DetectionEngine } from './detection-engine.ts';

export const DETECTION_LOCK_KEY = 7_301_006;
/** NOTIFY channel of migration 0008's trigger on tlog_state (the sequencer integrated events). */
export const LOG_GREW_CHANNEL = 'palisade_log_grew';

type Log = (obj: Record<string, unknown>, msg: string) => void;

export interface DetectionRunnerOptions {
  logger?: { info: Log; warn: Log; error: Log } | undefined;
  /** Look for new events this often even without a notification. */
  pollMs?: number;
  /** Look for due deliveries (retries) this often. */
  deliveryPollMs?: number;
  electionMs?: number;
  /** Called after every engine pass that raised alerts (tests, benchmarks). */
  onAlerts?: (alertIds: string[]) => void;
}

export interface RunningDetection {
  readonly isLeader: boolean;
  stop(): Promise<void>;
}

/**
 * Start background detection; call `stop()` on shutdown.
 * @example const detection = startDetection({ db, engine, dispatcher }, { logger }); … await detection.stop();
 */
export function startDetection(deps: { db: Database; engine: DetectionEngine; dispatcher: AlertDispatcher }, opts: DetectionRunnerOptions = {}): RunningDetection {
  const { db, engine, dispatcher } = deps;
  const deliveryPollMs = opts.deliveryPollMs ?? 1000;
  const log = opts.logger;
  let deliveryTimer: NodeJS.Timeout | undefined;

  // Delivery passes may overlap: the dispatcher gives each only deliveries no other pass is sending,
  // so a receiver that hangs until the timeout holds up nothing but its own delivery.
  const sending = new Set<Promise<void>>();
  const deliver = () => {
    if (!loop.isLeader) return;
    const pass: Promise<void> = dispatcher.runOnce()
      .then(() => undefined)
      .catch((err: unknown) => log?.error({ err }, 'alert delivery pass failed; it will be retried'))
      .finally(() => sending.delete(pass));
    sending.add(pass);
  };

  const loop = startLeaderLoop({
    db, lockKey: DETECTION_LOCK_KEY, channel: LOG_GREW_CHANNEL, name: 'detection', leadMessage: 'this server runs detection',
    pollMs: opts.pollMs ?? 250, electionMs: opts.electionMs ?? 1000, logger: log,
    // A failed pass rolled back: the position did not move; the engine replays its windows and tries again.
    async pass() {
      const r = await engine.runOnce();
      if (r.raised.length > 0) {
        opts.onAlerts?.(r.raised);
        deliver();
      }
      return r.more;
    },
    onLead() {
      deliveryTimer = setInterval(deliver, deliveryPollMs);
      deliver();
    },
    onStepDown() {
      clearInterval(deliveryTimer);
    },
    // A new leader (maybe this server again) replays its correlation windows.
    onLost: () => engine.reset(),
  });

  return {
    get isLeader() {
      return loop.isLeader;
    },
    async stop() {
      await loop.stop(async () => {
        while (sending.size > 0) await Promise.all([...sending]);
      });
    },
  };
}
