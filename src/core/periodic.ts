/**
 * @module core/periodic — a job run on a timer in the background of a server, one run at a time: the
 * shape of the sweepers (pending-request expiry, review deadlines). Tests call `runOnce()` themselves.
 */

export interface PeriodicJob {
  /** Run now (or join the run in progress); resolves with the job's result. */
  runOnce(): Promise<number>;
  /** Stop the timer and wait for a run in progress. */
  stop(): Promise<void>;
}

export interface PeriodicOptions {
  /** Default one minute; the first run comes after one interval. */
  intervalMs?: number;
  /** Errors of timer runs go here; the next run tries again. */
  onError?: (err: unknown) => void;
  /** false: no timer (tests). */
  autoStart?: boolean;
}

/** @example const job = startPeriodicJob(() => services.accessRequests.expireDue(), { intervalMs: 60_000 }); … await job.stop(); */
export function startPeriodicJob(job: () => Promise<number>, opts: PeriodicOptions = {}): PeriodicJob {
  let running: Promise<number> | null = null;
  let stopped = false;
  const runOnce = () => {
    running ??= job().finally(() => {
      running = null;
    });
    return running;
  };
  const timer = opts.autoStart === false
    ? null
    : setInterval(() => {
        if (!stopped) runOnce().catch((err: unknown) => opts.onError?.(err));
      }, opts.intervalMs ?? 60_000);
  // The timer alone must not keep the process alive.
  timer?.unref();
  return {
    runOnce,
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}
