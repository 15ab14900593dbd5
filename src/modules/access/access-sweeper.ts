/**
 * @module access/access-sweeper — background expiry of pending access requests, so that their
 * `access_request.expired` events appear even when nobody reads them. Reads and decisions expire
 * requests lazily too, so correctness never depends on this job; grants need no job at all (every
 * check compares `ends_at` with now). Safe with several servers: each request expires exactly once.
 */
import type { AccessRequestService } from './request-service.ts';

export interface AccessSweeper {
  /** Expire what is due now; returns how many requests expired. */
  runOnce(): Promise<number>;
  /** Stop the timer and wait for a run in progress. */
  stop(): Promise<void>;
}

/**
 * Start the sweeper (first run after `intervalMs`). Errors are reported to `onError` and the next
 * run tries again.
 * @example const sweeper = startAccessSweeper(services, { intervalMs: 60_000 }); … await sweeper.stop();
 */
export function startAccessSweeper(
  services: { accessRequests: Pick<AccessRequestService, 'expireDue'> },
  opts: { intervalMs?: number; onError?: (err: unknown) => void; autoStart?: boolean } = {},
): AccessSweeper {
  const intervalMs = opts.intervalMs ?? 60_000;
  let running: Promise<number> | null = null;
  let stopped = false;
  const runOnce = () => {
    running ??= services.accessRequests.expireDue().finally(() => {
      running = null;
    });
    return running;
  };
  const timer = opts.autoStart === false
    ? null
    : setInterval(() => {
        if (!stopped) runOnce().catch((err: unknown) => opts.onError?.(err));
      }, intervalMs);
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
