/** @module scanner/baseline.test — a written baseline suppresses exactly the findings it accepted, even after they move. */
import { describe, expect, it } from 'vitest';
import { applyBaseline, BaselineError, parseBaseline, writeBaseline } from './baseline.ts';
import { createScanner } from './scanner.ts';
import { fillTemplate } from './testing/fake.ts';
import { seededRandom } from './testing/random.ts';

describe('baselines', () => {
  const scanner = createScanner();
  const old = fillTemplate('a: ghp_{alnum:36}', seededRandom(1)).text;
  const fresh = fillTemplate('b: ghp_{alnum:36}', seededRandom(2)).text;

  it('accept known findings, also when they moved to another line, and report new ones', () => {
    const baseline = parseBaseline(writeBaseline(scanner.scanText(old, 'app.yml')));
    const later = scanner.scanText(`\n\n${fresh}\n${old}`, 'app.yml');
    const { reported, suppressed } = applyBaseline(later, baseline);
    expect(suppressed.map((f) => f.line)).toEqual([4]);
    expect(reported.map((f) => f.line)).toEqual([3]);
  });

  it('never write the secret itself', () => {
    const text = writeBaseline(scanner.scanText(old, 'app.yml'));
    expect(text).not.toContain(old.slice(3));
    expect(JSON.parse(text)).toMatchObject({ version: 1, tool: 'palisade' });
  });

  it('also read a plain list of fingerprints with comments', () => {
    const fp = 'a'.repeat(64);
    expect([...parseBaseline(`# accepted\n${fp}  # test key\n`)]).toEqual([fp]);
  });

  it('reject malformed files', () => {
    expect(() => parseBaseline('{"findings": [{"fingerprint": "x"}]}')).toThrow(BaselineError);
    expect(() => parseBaseline('not-a-fingerprint')).toThrow(BaselineError);
  });
});
