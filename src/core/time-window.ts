/**
 * @module core/time-window — the stretch of time around a moment in which an answer cannot change.
 * Functions that read the time narrow a window with every instant at which their outcome could
 * change (a grant's end, midnight UTC, a literal a policy compares the time with); an answer
 * computed at `at` is then the same answer at every moment in `[from, until)`.
 */

/** `[from, until)` in milliseconds since the epoch, around the moment `at` it was made for. */
export interface TimeWindow {
  readonly at: number;
  from: number;
  until: number;
}

/**
 * A window around `at` that time cannot yet end: everything until narrowed.
 * @example const w = openWindow(Date.now());
 */
export function openWindow(at: number): TimeWindow {
  return { at, from: -Infinity, until: Infinity };
}

/**
 * Narrow `w` by an instant at which an outcome may change: something true for `t < change` and
 * something else for `t >= change` (the half-open rule `starts <= t < ends` has its changes at
 * `starts` and `ends`).
 * @example changeAt(w, grant.endsAt.getTime())
 */
export function changeAt(w: TimeWindow, change: number): void {
  if (change <= w.at) {
    if (change > w.from) w.from = change;
  } else if (change < w.until) {
    w.until = change;
  }
}

/**
 * Whether the moment `t` lies in the window.
 * @example if (within(w, Date.now())) reuse();
 */
export function within(w: Pick<TimeWindow, 'from' | 'until'>, t: number): boolean {
  return w.from <= t && t < w.until;
}
