/** @module detection/sigma/regex-safety.test — catastrophic patterns are refused, ordinary ones accepted. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UnsafeRegexError, assertSafeRegex } from './regex-safety.ts';

describe('the ReDoS check', () => {
  it.each([
    ['(a+)+$', 'nested quantifier'],
    ['(a*)*b', 'nested quantifier'],
    ['^(\\d+)*$', 'nested quantifier'],
    ['(\\w+\\s?)*$', 'nested quantifier'],
    ['(x+x+)+y', 'nested quantifier'],
    ['(a?a?)*$', 'nested quantifier'],
    ['(.*a){20}', 'nested quantifier'],
    ['(?=(a+)+b)', 'nested quantifier'],
    ['(a|a)*$', 'same character'],
    ['(a|ab)*c', 'same character'],
    ['(a|a){1,13}$', 'same character'], // 2^13 ways: bounded, but above the 1,000 allowed
    ['(\\w|\\d)+$', 'same character'],
    ['(?:[a-z]|x)+!', 'same character'],
    ['(a|)+b', 'empty branch'],
    ['(\\p{2,})+$', 'nested quantifier'], // without the u flag this is (p{2,})+
    ['(\\u{1,3})+$', 'nested quantifier'],
    ['(a)\\1', 'backreferences'],
    ['(?<q>[\'"]).*\\k<q>', 'backreferences'],
  ])('refuses %s (%s)', (pattern, reason) => {
    expect(() => assertSafeRegex(pattern, '')).toThrow(UnsafeRegexError);
    expect(() => assertSafeRegex(pattern, '')).toThrow(reason);
  });

  it('folds case under i: (A|a)+ is ambiguous only case-insensitively', () => {
    expect(() => assertSafeRegex('(A|a)+$', '')).not.toThrow();
    expect(() => assertSafeRegex('(A|a)+$', 'i')).toThrow(UnsafeRegexError);
  });

  it.each([
    '^git-(upload|receive)-pack$',
    '.*foo.*bar',
    '(ab|cd)+$',
    '[a-z0-9._%+-]+@[a-z0-9.-]+\\.[a-z]{2,}',
    '(?:[0-9]{1,3}\\.){3}[0-9]{1,3}',
    '^refs/heads/(main|release/.*)$',
    '\\b(AKIA|ASIA)[A-Z0-9]{16}\\b',
    '(?:\\.exe|\\.dll)$',
    '[^\\\\]+\\\\[^\\\\]+$',
  ])('accepts %s', (pattern) => {
    expect(() => assertSafeRegex(pattern, 'i')).not.toThrow();
  });

  it('an accepted pattern runs fast on the input that would hang its nested twin', () => {
    const evil = `${'a'.repeat(4096)}!`;
    const start = performance.now();
    expect(/^(?:a)+$/.test(evil)).toBe(false);
    expect(/^a+$/.test(evil)).toBe(false);
    expect(performance.now() - start).toBeLessThan(50);
  });

  it('reports a syntax error as such', () => {
    expect(() => assertSafeRegex('(a', '')).toThrow(SyntaxError);
  });

  it('never accepts a pattern that takes long on inputs built to make it backtrack (random patterns)', () => {
    const atom = fc.constantFrom('a', 'b', '.', '[ab]', '\\w', 'a?');
    const quant = fc.constantFrom('', '', '*', '+', '?', '{1,3}', '{2}');
    const pattern: fc.Arbitrary<string> = fc.letrec<{ re: string }>((tie) => ({
      re: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        atom,
        fc.tuple(tie('re'), tie('re')).map(([x, y]) => x + y),
        fc.tuple(tie('re'), tie('re')).map(([x, y]) => `(?:${x}|${y})`),
        fc.tuple(tie('re'), quant).map(([x, q]) => `(?:${x})${q}`),
      ),
    })).re;
    const inputs = ['a'.repeat(28), 'ab'.repeat(14), 'aab'.repeat(10)].flatMap((s) => [`${s}!`, `${s}`]);
    let accepted = 0;
    fc.assert(
      fc.property(pattern, (p) => {
        try {
          assertSafeRegex(`^${p}$`, '');
        } catch {
          return; // refused: nothing to check
        }
        accepted++;
        const re = new RegExp(`^${p}$`);
        const start = performance.now();
        for (const input of inputs) re.test(input);
        expect(performance.now() - start, p).toBeLessThan(250);
      }),
      { numRuns: 400, seed: 42 },
    );
    expect(accepted).toBeGreaterThan(50);
  });
});
