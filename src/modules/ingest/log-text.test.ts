import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeLogText } from './log-text.ts';

describe('log text', () => {
  it('escapes control characters, bidi overrides and backslashes, and keeps the rest', () => {
    expect(escapeLogText('root\u001b[2J\u0007', 100).text).toBe('root\\x1b[2J\\x07');
    expect(escapeLogText('a\u202eb\\c\u0085', 100).text).toBe('a\\u{202e}b\\\\c\\x85');
    expect(escapeLogText('ünïcödé 日本 😀', 100).text).toBe('ünïcödé 日本 😀');
  });

  it('bounds the escaped text without cutting an escape or a surrogate pair', () => {
    expect(escapeLogText('abc\u0001', 5)).toEqual({ text: 'abc', truncated: true });
    expect(escapeLogText('ab😀', 3)).toEqual({ text: 'ab', truncated: true });
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), fc.integer({ min: 0, max: 60 }), (s, max) => {
        const { text } = escapeLogText(s, max);
        expect(text.length).toBeLessThanOrEqual(max);
        expect(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e]/.test(text)).toBe(false);
        expect(Buffer.from(text, 'utf8').toString('utf8')).toBe(text);
      }),
      { numRuns: 300 },
    );
  });
});
