/**
 * @module access/access-sweeper — background expiry of pending access requests, so that their
 * `access_request.expired` events appear even when nobody reads them. Reads and decisions expire
 * requests lazily too, so correctness never depends on this job; grants need no job at all (every
 * check compares `ends_at` with now). Safe with several servers: each request expires exactly once.
 */
import { startPeriodicJob, type PeriodicJob, type PeriodicOptions } from '../../core/periodic.ts';
import type { AccessRequestService } from './request-service.ts';

/** `runOnce()` expires what is due now and returns how many requests expired. */
export type AccessSweeper = PeriodicJob;

/**
 * Start the sweeper (first run after `intervalMs`, default one minute). Errors are reported to
 * `onError` and the next run tries again.
 * @example const sweeper = startAccessSweeper(services, { intervalMs: 60_000 }); … await sweeper.stop();
 */
export function startAccessSweeper(services: { accessRequests: Pick<AccessRequestService, 'expireDue'> }, opts: PeriodicOptions = {}): AccessSweeper {
  return startPeriodicJob(() => services.accessRequests.expireDue(), opts);
}
