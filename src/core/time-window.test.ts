import { describe, expect, it } from 'vitest';
import { changeAt, openWindow, within } from './time-window.ts';

describe('time windows', () => {
  it('close in on the moment from both sides, keeping the nearest change on each', () => {
    const w = openWindow(100);
    for (const change of [50, 300, 80, 120, 10, 500]) changeAt(w, change);
    expect(w).toEqual({ at: 100, from: 80, until: 120 });
    expect([79, 80, 100, 119, 120].map((t) => within(w, t))).toEqual([false, true, true, true, false]);
  });

  it('count a change at the moment itself as already happened: the window starts there', () => {
    const w = openWindow(100);
    changeAt(w, 100);
    expect(w).toEqual({ at: 100, from: 100, until: Infinity });
    expect(within(w, 99)).toBe(false);
  });

  it('hold for all time until narrowed', () => {
    expect(within(openWindow(0), Number.MAX_SAFE_INTEGER)).toBe(true);
    expect(within(openWindow(0), -Number.MAX_SAFE_INTEGER)).toBe(true);
  });
});
