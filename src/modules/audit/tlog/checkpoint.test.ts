/** @module audit/tlog/checkpoint.test — strict checkpoint body format and parse. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatCheckpoint, parseCheckpoint } from './checkpoint.ts';

const ROOT = 'Tju7H3tHjc/nH7YxYxUZo7yhLJrvyhYSv85ME6hiZNQ=';

describe('checkpoint body', () => {
  it('parses the three mandatory lines and extension lines', () => {
    const c = parseCheckpoint(`example.com/behind-the-sofa\n20852163\n${ROOT}\next one\n`);
    expect(c.origin).toBe('example.com/behind-the-sofa');
    expect(c.size).toBe(20852163);
    expect(Buffer.from(c.rootHash).toString('base64')).toBe(ROOT);
    expect(c.extensions).toEqual(['ext one']);
    expect(formatCheckpoint(c)).toBe(`example.com/behind-the-sofa\n20852163\n${ROOT}\next one\n`);
  });

  it('accepts the empty tree', () => {
    expect(parseCheckpoint(`o\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n`).size).toBe(0);
  });

  it('round-trips', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[a-z0-9./]{1,30}$/),
        fc.nat({ max: Number.MAX_SAFE_INTEGER }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.array(fc.stringMatching(/^[ -~]{1,20}$/), { maxLength: 3 }),
        (origin, size, rootHash, extensions) => {
          const c = { origin, size, rootHash, extensions };
          expect(parseCheckpoint(formatCheckpoint(c))).toEqual(c);
        },
      ),
    );
  });

  it.each([
    ['no final newline', `o\n1\n${ROOT}`],
    ['two lines', `o\n1\n`],
    ['empty origin', `\n1\n${ROOT}\n`],
    ['leading zero', `o\n01\n${ROOT}\n`],
    ['sign', `o\n+1\n${ROOT}\n`],
    ['hex size', `o\n0x1\n${ROOT}\n`],
    ['huge size', `o\n9007199254740993\n${ROOT}\n`],
    ['short root', `o\n1\nV3JvbmdSb290\n`],
    ['url-safe root', `o\n1\n${ROOT.replace('/', '_')}\n`],
    ['empty extension line', `o\n1\n${ROOT}\n\n`],
    ['carriage return', `o\r\n1\n${ROOT}\n`],
  ])('refuses a body with %s', (_what, text) => {
    expect(() => parseCheckpoint(text)).toThrow(/invalid checkpoint/);
  });

  it('refuses to format what it could not parse', () => {
    const rootHash = new Uint8Array(32);
    expect(() => formatCheckpoint({ origin: 'a\nb', size: 1, rootHash, extensions: [] })).toThrow();
    expect(() => formatCheckpoint({ origin: 'o', size: -1, rootHash, extensions: [] })).toThrow();
    expect(() => formatCheckpoint({ origin: 'o', size: 1, rootHash: new Uint8Array(31), extensions: [] })).toThrow();
    expect(() => formatCheckpoint({ origin: 'o', size: 1, rootHash, extensions: [''] })).toThrow();
  });
});
