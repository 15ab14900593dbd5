/**
 * @module reviews/review-sweeper — deadline processing of access reviews in the background: every
 * campaign whose deadline has passed has its undecided grants revoked (or escalated). Started by
 * server.ts; tests call runOnce() with a fixed clock. Safe with several servers: each campaign is
 * processed under its row lock and only while still open.
 */
import { startPeriodicJob, type PeriodicJob, type PeriodicOptions } from '../../core/periodic.ts';
import type { ReviewService } from './review-service.ts';

/** `runOnce()` processes what is due now and returns how many campaigns were processed. */
export type ReviewSweeper = PeriodicJob;

/**
 * Start the sweeper (first run after `intervalMs`, default one minute). Errors go to `onError`;
 * the next run tries again.
 * @example const sweeper = startReviewSweeper(services, { onError: (err) => log.error({ err }) }); … await sweeper.stop();
 */
export function startReviewSweeper(services: { reviews: Pick<ReviewService, 'processDeadlines'> }, opts: PeriodicOptions = {}): ReviewSweeper {
  return startPeriodicJob(() => services.reviews.processDeadlines(), opts);
}
