/**
 * @module reviews/review-sweeper — deadline processing of access reviews in the background: every
 * campaign whose deadline has passed has its undecided grants revoked (or escalated). Started by
 * server.ts; tests call runOnce() with a fixed clock. Safe with several servers: each campaign is
 * processed under its row lock and only while still open.
 */
import type { ReviewService } from './review-service.ts';

export interface ReviewSweeper {
  /** Process what is due now; returns how many campaigns were processed. */
  runOnce(): Promise<number>;
  /** Stop the timer and wait for a run in progress. */
  stop(): Promise<void>;
}

/**
 * Start the sweeper (first run after `intervalMs`, default one minute). Errors go to `onError`;
 * the next run tries again.
 * @example const sweeper = startReviewSweeper(services, { onError: (err) => log.error({ err }) }); … await sweeper.stop();
 */
export function startReviewSweeper(
  services: { reviews: Pick<ReviewService, 'processDeadlines'> },
  opts: { intervalMs?: number; onError?: (err: unknown) => void; autoStart?: boolean } = {},
): ReviewSweeper {
  let running: Promise<number> | null = null;
  let stopped = false;
  const runOnce = () => {
    running ??= services.reviews.processDeadlines().finally(() => {
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
