/**
 * @module git-gateway/rate-limit — in-memory token buckets for failed git authentications, per source address
 * and per handle. Per process: with several gateway processes each keeps its own buckets, so the effective limit
 * is multiplied by their number (acceptable for slowing guessing of 256-bit tokens; documented).
 */

export interface BucketOptions {
  /** Failures allowed in a burst. */
  capacity: number;
  /** Failures forgiven per second. */
  refillPerSecond: number;
  /** Most keys remembered; the stalest go first (bounds memory under a spray of addresses). */
  maxKeys: number;
}

export interface FailureLimiter {
  /** Seconds to wait before `key` may try again, or 0 when it may try now. */
  retryAfter(key: string, nowMs: number): number;
  /** Takes one token from `key`'s bucket (a failure happened). */
  fail(key: string, nowMs: number): void;
}

/**
 * A token-bucket limiter: every key starts full; each failure takes a token; tokens come back at a steady rate.
 * @example const limiter = createFailureLimiter({ capacity: 10, refillPerSecond: 0.1, maxKeys: 10_000 });
 */
export function createFailureLimiter(opts: BucketOptions): FailureLimiter {
  const buckets = new Map<string, { tokens: number; at: number }>();
  const level = (key: string, nowMs: number) => {
    const b = buckets.get(key);
    if (!b) return opts.capacity;
    // A clock set back (tests) forgives nothing rather than taking tokens away.
    return Math.min(opts.capacity, b.tokens + (Math.max(0, nowMs - b.at) / 1000) * opts.refillPerSecond);
  };
  return {
    retryAfter(key, nowMs) {
      const tokens = level(key, nowMs);
      return tokens >= 1 ? 0 : Math.ceil((1 - tokens) / opts.refillPerSecond);
    },
    fail(key, nowMs) {
      const tokens = level(key, nowMs) - 1;
      buckets.delete(key); // re-insert at the end: Map order is the eviction order
      buckets.set(key, { tokens, at: nowMs });
      if (buckets.size > opts.maxKeys) buckets.delete(buckets.keys().next().value!);
    },
  };
}
