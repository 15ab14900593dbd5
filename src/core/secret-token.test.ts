import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { digestsEqual, generateToken, hashToken, isWellFormedToken, TOKEN_PATTERN } from './secret-token.ts';

describe('API tokens', () => {
  it('have the pal_ prefix, 49 base62 characters and a valid checksum', () => {
    const t = generateToken();
    expect(t).toMatch(TOKEN_PATTERN);
    expect(isWellFormedToken(t)).toBe(true);
  });

  it('are all different', () => {
    const seen = new Set(Array.from({ length: 2000 }, generateToken));
    expect(seen.size).toBe(2000);
  });

  it('fail the checksum when any single character changes', () => {
    const t = generateToken();
    fc.assert(
      fc.property(fc.integer({ min: 4, max: t.length - 1 }), fc.constantFrom(...'ab01XY'), (i, c) => {
        fc.pre(t[i] !== c);
        const mutated = t.slice(0, i) + c + t.slice(i + 1);
        expect(isWellFormedToken(mutated)).toBe(false);
      }),
    );
  });

  it('hash to a stable SHA-256 digest and compare in constant time', () => {
    const t = generateToken();
    expect(hashToken(t)).toMatch(/^[0-9a-f]{64}$/);
    expect(digestsEqual(hashToken(t), hashToken(t))).toBe(true);
    expect(digestsEqual(hashToken(t), hashToken(generateToken()))).toBe(false);
    expect(digestsEqual(hashToken(t), 'abcd')).toBe(false);
  });
});
