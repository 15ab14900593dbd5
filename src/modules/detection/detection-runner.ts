/**
 * @module detection/detection-runner — runs detection in the background of a server. One server per
 * database evaluates (PostgreSQL session advisory lock 7_301_006 on a dedicated connection; the
 * others retry and take over when its connection dies). It is woken by NOTIFY palisade_log_grew
 * (migration 0008: the log grew) with a short poll as a fallback, and sends due alert deliveries
 * right after raising alerts and on a timer for retries.
 */
import type { Database, Session } from '../../db/database.ts';
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
  const pollMs = opts.pollMs ?? 250;
  const deliveryPollMs = opts.deliveryPollMs ?? 1000;
  const electionMs = opts.electionMs ?? 1000;
  const log = opts.logger;

  let stopped = false;
  let leader = false;
  let session: Session | null = null;
  let electionTimer: NodeJS.Timeout | undefined;
  let pollTimer: NodeJS.Timeout | undefined;
  let deliveryTimer: NodeJS.Timeout | undefined;
  let election: Promise<void> = Promise.resolve();

  // One engine pass at a time; a wake-up during a pass asks for another one after it.
  let pass: Promise<void> | null = null;
  let again = false;
  // Delivery passes may overlap: the dispatcher gives each only deliveries no other pass is sending,
  // so a receiver that hangs until the timeout holds up nothing but its own delivery.
  const sending = new Set<Promise<void>>();
  const deliver = () => {
    if (!leader || stopped) return;
    const pass: Promise<void> = dispatcher.runOnce()
      .then(() => undefined)
      .catch((err: unknown) => log?.error({ err }, 'alert delivery pass failed; it will be retried'))
      .finally(() => sending.delete(pass));
    sending.add(pass);
  };

  const runPass = async () => {
    try {
      const r = await engine.runOnce();
      if (r.more) again = true;
      if (r.raised.length > 0) {
        opts.onAlerts?.(r.raised);
        deliver();
      }
    } catch (err) {
      // Rolled back: the position did not move; the engine replays its windows and tries again.
      log?.error({ err }, 'detection pass failed; it will be retried');
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

  const stepDown = () => {
    leader = false;
    clearInterval(pollTimer);
    clearInterval(deliveryTimer);
  };

  const retryElection = () => {
    if (!stopped) electionTimer = setTimeout(() => (election = elect()), electionMs);
  };

  const elect = async () => {
    if (stopped) return;
    try {
      if (!session) {
        const s = await db.session();
        s.onLost((err) => {
          if (session !== s) return;
          session = null;
          if (leader) log?.warn({ err: err.message }, 'lost the detection lock with its database connection; another server may take over');
          stepDown();
          // A new leader (maybe this server again) replays its correlation windows.
          engine.reset();
          retryElection();
        });
        session = s;
      }
      const [row] = await session.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [DETECTION_LOCK_KEY]);
      if (stopped) return;
      if (!row?.ok) return retryElection();
      leader = true;
      await session.listen(LOG_GREW_CHANNEL, wake);
      pollTimer = setInterval(wake, pollMs);
      deliveryTimer = setInterval(deliver, deliveryPollMs);
      log?.info({}, 'this server runs detection');
      wake();
      deliver();
    } catch (err) {
      log?.warn({ err: (err as Error).message }, 'detection election failed; retrying');
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
    async stop() {
      stopped = true;
      clearTimeout(electionTimer);
      await election;
      stepDown();
      while (pass) await pass;
      while (sending.size > 0) await Promise.all([...sending]);
      const s = session;
      session = null;
      await s?.close();
    },
  };
}
