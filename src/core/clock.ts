/** @module core/clock — the one source of "now", replaceable in tests. */

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/**
 * A clock that tests move by hand.
 * @example const c = fixedClock(new Date('2026-01-01T00:00:00Z')); c.advance(60_000);
 */
export function fixedClock(start: Date): Clock & { set(d: Date): void; advance(ms: number): void } {
  let t = start.getTime();
  return {
    now: () => new Date(t),
    set: (d) => {
      t = d.getTime();
    },
    advance: (ms) => {
      t += ms;
    },
  };
}
