/** @module git-gateway/rate-limit.test — token buckets: a burst, then a steady trickle; bounded memory. */
import { describe, expect, it } from 'vitest';
import { createFailureLimiter } from './rate-limit.ts';

describe('createFailureLimiter', () => {
  it('allows a burst of failures, then asks to wait until a token has come back', () => {
    const limiter = createFailureLimiter({ capacity: 3, refillPerSecond: 0.5, maxKeys: 10 });
    for (let i = 0; i < 3; i++) {
      expect(limiter.retryAfter('1.2.3.4', 0)).toBe(0);
      limiter.fail('1.2.3.4', 0);
    }
    expect(limiter.retryAfter('1.2.3.4', 0)).toBe(2);
    expect(limiter.retryAfter('1.2.3.4', 1000)).toBe(1);
    expect(limiter.retryAfter('1.2.3.4', 2000)).toBe(0);
    expect(limiter.retryAfter('5.6.7.8', 0)).toBe(0);
  });

  it('forgets the stalest keys beyond maxKeys, and a clock set back takes nothing away', () => {
    const limiter = createFailureLimiter({ capacity: 1, refillPerSecond: 0.001, maxKeys: 2 });
    limiter.fail('a', 10_000);
    limiter.fail('b', 10_000);
    limiter.fail('c', 10_000);
    expect(limiter.retryAfter('a', 10_000)).toBe(0);
    expect(limiter.retryAfter('c', 10_000)).toBeGreaterThan(0);
    expect(limiter.retryAfter('c', 0)).toBe(limiter.retryAfter('c', 10_000));
  });
});
