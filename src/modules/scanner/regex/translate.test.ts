/** @module scanner/regex/translate.test — Go (RE2) patterns behave the same once translated to JavaScript. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../testing/random.ts';
import { generateMatch } from './generate.ts';
import { parseRegex } from './parse.ts';
import { compileGoRegex, compileJsRegex, RegexRejectedError } from './translate.ts';

const matches = (go: string, text: string): string | null => {
  const { regex } = compileGoRegex(go);
  regex.lastIndex = 0;
  return regex.exec(text)?.[0] ?? null;
};

describe('translating Go regular expressions', () => {
  it('turns a leading (?i) into the i flag', () => {
    expect(compileGoRegex('(?i)abc').regex.flags).toBe('gi');
    expect(matches('(?i)abc', 'xABCx')).toBe('ABC');
  });

  it('scopes (?i:…) and (?-i:…) to their group, which JavaScript 20 cannot express with flags', () => {
    expect(matches('a(?i:b)c', 'aBc')).toBe('aBc');
    expect(matches('a(?i:b)c', 'aBC')).toBeNull();
    expect(matches('(?i)a(?-i:b)c', 'AbC')).toBe('AbC');
    expect(matches('(?i)a(?-i:b)c', 'ABC')).toBeNull();
  });

  it('applies a mid-pattern (?i) to the rest of the group only', () => {
    expect(matches('(x(?i)y)z', 'xYz')).toBe('xYz');
    expect(matches('(x(?i)y)z', 'xYZ')).toBeNull();
  });

  it('gives . and \\s their RE2 meaning', () => {
    expect(matches('a.b', 'a\rb')).toBe('a\rb'); // RE2's . excludes only \n
    expect(matches('a.b', 'a\nb')).toBeNull();
    expect(matches('(?s:a.b)', 'a\nb')).toBe('a\nb');
    expect(matches('a\\sb', 'a\u00a0b')).toBeNull(); // RE2's \s is ASCII only
  });

  it('reads ] first in a class as a literal, as RE2 does', () => {
    expect(matches('[^]]+', 'ab]')).toBe('ab');
    expect(matches('[]a]+', ']a]')).toBe(']a]');
  });

  it('understands POSIX classes, \\z, \\A, \\Q…\\E, (?P<name>…) and \\x{…}', () => {
    expect(matches('[[:alnum:]]+', '--ab1--')).toBe('ab1');
    expect(matches('ab\\z', 'ab\n')).toBeNull();
    expect(matches('\\Aab', 'ab')).toBe('ab');
    expect(matches('\\Qa.b\\E', 'axb a.b')).toBe('a.b');
    expect(matches('(?P<key>k)=\\x{41}', 'k=A')).toBe('k=A');
  });

  it('keeps capture group numbers', () => {
    const { regex, groupCount } = compileGoRegex('(?i)(a)(?:b)(?P<c>c)');
    expect(groupCount).toBe(2);
    expect(regex.exec('abc')?.slice(1)).toEqual(['a', 'c']);
  });

  it('applies (?m) to ^ and $ only where it is set', () => {
    expect(matches('(?m)^b$', 'a\nb\nc')).toBe('b');
    expect(matches('^b$', 'a\nb\nc')).toBeNull();
  });

  it('rejects what RE2 does not have', () => {
    for (const bad of ['(a)\\1', 'a(?=b)', 'a(?<!b)', 'a**', '*a', 'a{1001}']) {
      expect(() => compileGoRegex(bad), bad).toThrow(RegexRejectedError);
    }
  });

  it('matches random strings generated from the pattern (round trip)', () => {
    const patterns = [
      '(?i)[\\w.-]{0,50}?(?:access|auth)(?:[ \\t\\w.-]{0,20})[\\s\'"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60\'"\\s=]{0,5}([a-z0-9]{32})(?:[\\x60\'"\\s;]|\\\\[nr]|$)',
      '\\b(ghp_[0-9a-zA-Z]{36})\\b',
      '(?i)(?:key|token)(?-i:[A-Z]{4})[[:digit:]]{2}',
    ];
    fc.assert(
      fc.property(fc.constantFrom(...patterns), fc.integer({ min: 1, max: 1_000_000 }), (pattern, seed) => {
        const example = generateMatch(parseRegex(pattern, 'go').node, seededRandom(seed));
        const { regex } = compileGoRegex(pattern);
        regex.lastIndex = 0;
        return regex.test(example + '\n');
      }),
      { numRuns: 200 },
    );
  });
});

describe('the catastrophic-backtracking check', () => {
  it.each(['(a+)+$', '(a|a)*b', '(a|ab)*c', '(\\w+\\s?)*$', '([a-zA-Z]+)*!', '(.*a){12}', '(?:\\d+)*x', '\\w+\\w+=', '.*a.*b'])('rejects %s', (pattern) => {
    expect(() => compileGoRegex(pattern)).toThrow(/nested quantifier|overlapping alternatives|chained quantifiers/);
  });

  it.each(['(?:\\.[a-z]+)+', '(?:[a-z]+,)*', '[a-z0-9-]+(?:\\.[a-z0-9-]+)*', '(?:ab|cd)+', '(?:[ -]?\\d){12,18}', '(?:a+){2}'])('accepts %s', (pattern) => {
    expect(() => compileGoRegex(pattern)).not.toThrow();
  });

  it('also checks JavaScript rules, and a rejected pattern really is slow', () => {
    expect(() => compileJsRegex(/^(a+)+$/)).toThrow(RegexRejectedError);
    const started = performance.now();
    /^(a+)+$/.test('a'.repeat(22) + '!');
    expect(performance.now() - started).toBeGreaterThan(5);
  });
});
