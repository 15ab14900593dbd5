/** @module bench/audit/stats — time from acknowledgement to the first checkpoint that covers an event, and quantiles. */

/**
 * For each acknowledged event (ack time, leaf index), milliseconds until the first checkpoint whose
 * tree size exceeds its leaf index became visible. `checkpoints` in the order they were signed.
 * @example latencies([{ at: 10, leaf: 0 }], [{ size: 1, at: 60 }]) // [50]
 */
export function latencies(events: { at: number; leaf: number }[], checkpoints: { size: number; at: number }[]): number[] {
  return events.map(({ at, leaf }) => {
    let lo = 0;
    let hi = checkpoints.length - 1;
    if (hi < 0 || checkpoints[hi]!.size <= leaf) return Infinity;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (checkpoints[mid]!.size > leaf) hi = mid;
      else lo = mid + 1;
    }
    return checkpoints[lo]!.at - at;
  });
}

/** p50, p99 and max of `values`, rounded to 0.1. */
export function quantiles(values: number[]): { p50: number; p99: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const q = (p: number) => +(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN).toFixed(1);
  return { p50: q(0.5), p99: q(0.99), max: +(sorted.at(-1) ?? NaN).toFixed(1) };
}
