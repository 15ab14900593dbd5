import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findUnstorableText, isStorableText } from './input-guard.ts';

/** Any UTF-16 code unit, with NUL and the halves of a surrogate pair made common. */
const codeUnit = fc.oneof(
  fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
  fc.constantFrom('\u0000', '\ud83d', '\ude00', 'a'),
);

describe('the input guard', () => {
  it('refuses NUL characters and unpaired surrogates, and accepts paired ones', () => {
    expect(isStorableText('plain text, ünïcödé, 日本語')).toBe(true);
    expect(isStorableText('emoji \ud83d\ude00 is a surrogate pair')).toBe(true);
    expect(isStorableText('a\u0000b')).toBe(false);
    expect(isStorableText('high \ud800 alone')).toBe(false);
    expect(isStorableText('low \udc00 alone')).toBe(false);
    expect(isStorableText('reversed \ude00\ud83d')).toBe(false);
  });

  it('names every bad string and key by its path, like schema errors', () => {
    const errors = findUnstorableText({ name: 'a\u0000', tags: ['ok', 'x\ud800'], nested: { 'k\u0000': 1 } }, 'body');
    expect(errors.map((e) => e.path).sort()).toEqual(['body.name', 'body.nested', 'body.tags.1']);
  });

  it('walks very deep values without exhausting the stack', () => {
    let deep: unknown = 'bad\u0000';
    for (let i = 0; i < 200_000; i++) deep = [deep];
    expect(findUnstorableText(deep, 'body')).toHaveLength(1);
  });

  it('agrees with PostgreSQL-bound UTF-8: storable text survives a UTF-8 round trip unchanged', () => {
    fc.assert(
      fc.property(fc.string({ unit: codeUnit, maxLength: 12 }), (s) => {
        const roundTrips = Buffer.from(s, 'utf8').toString('utf8') === s;
        expect(isStorableText(s)).toBe(roundTrips && !s.includes('\u0000'));
      }),
      { numRuns: 500 },
    );
  });
});
