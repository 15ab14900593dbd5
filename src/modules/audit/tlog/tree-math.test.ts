/** @module audit/tlog/tree-math.test — split points and perfect-subtree decomposition, including sizes beyond 2^32. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isPowerOfTwo, perfectSubtrees, splitPoint } from './tree-math.ts';

describe('tree-math', () => {
  it('splits at the largest power of two strictly below n (RFC 9162 §2.1.1)', () => {
    expect([2, 3, 4, 5, 8, 9].map(splitPoint)).toEqual([1, 2, 2, 4, 4, 8]);
    expect(splitPoint(2 ** 40 + 1)).toBe(2 ** 40);
    expect(() => splitPoint(1)).toThrow(RangeError);
  });

  it('recognises powers of two beyond 32 bits', () => {
    expect([1, 2, 1024, 2 ** 45].every(isPowerOfTwo)).toBe(true);
    expect([0, 3, 6, 2 ** 45 + 2, -4, 1.5].some(isPowerOfTwo)).toBe(false);
  });

  it('decomposes an aligned range into perfect subtrees, largest first', () => {
    expect(perfectSubtrees({ start: 0, end: 7 })).toEqual([
      { level: 2, index: 0 },
      { level: 1, index: 2 },
      { level: 0, index: 6 },
    ]);
    expect(perfectSubtrees({ start: 2 ** 33, end: 2 ** 33 + 3 })).toEqual([
      { level: 1, index: 2 ** 32 },
      { level: 0, index: 2 ** 33 + 2 },
    ]);
    expect(() => perfectSubtrees({ start: 1, end: 3 })).toThrow(/aligned/);
    expect(() => perfectSubtrees({ start: 3, end: 3 })).toThrow(RangeError);
  });

  it('covers every prefix [0, n) exactly, for any n', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), (n) => {
        const nodes = perfectSubtrees({ start: 0, end: n });
        let pos = 0;
        for (const { level, index } of nodes) {
          expect(index * 2 ** level).toBe(pos);
          pos += 2 ** level;
        }
        expect(pos).toBe(n);
      }),
    );
  });
});
