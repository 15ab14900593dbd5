/** @module scanner/keywords.test — the Aho–Corasick prefilter, checked against a naive search and on its edge cases. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildKeywordIndex } from './keywords.ts';
import { defineRule } from './rules/define.ts';
import type { Rule } from './types.ts';

const rule = (id: string, keywords: string[], scope: 'line' | 'file' = 'line'): Rule =>
  defineRule({ id, description: id, regex: /x/, keywords, scope });

const spansOf = (rules: Rule[], text: string) =>
  Object.fromEntries([...buildKeywordIndex(rules).triggered(text)].map(([r, spans]) => [r.id, spans]));

/** The obvious implementation: lower-case the text and look for every keyword with indexOf. */
function naive(rules: Rule[], text: string): Record<string, [number, number][]> {
  const lower = text.toLowerCase();
  const out: Record<string, [number, number][]> = {};
  for (const r of rules) {
    const lines = new Set<number>();
    for (const k of r.keywords) for (let at = lower.indexOf(k); at !== -1; at = lower.indexOf(k, at + 1)) lines.add(text.lastIndexOf('\n', at) + 1);
    if (lines.size === 0) continue;
    out[r.id] = r.scope === 'file' ? [] : [...lines].sort((a, b) => a - b).map((start) => {
      const end = text.indexOf('\n', start);
      return [start, end === -1 ? text.length : end];
    });
  }
  return out;
}

describe('the keyword prefilter', () => {
  it('reports the lines that hold a keyword, once per line, in any letter case', () => {
    const text = 'a = 1\nmy TOKEN and token\nnothing\nApi_Key=2';
    expect(spansOf([rule('t', ['token']), rule('k', ['api_key'])], text)).toEqual({ t: [[6, 24]], k: [[33, 42]] });
  });

  it('finds a keyword inside a longer one and a keyword that is a prefix of another', () => {
    const rules = [rule('key', ['key']), rule('apikey', ['api_key']), rule('pw', ['password']), rule('pweq', ['password ='])];
    expect(Object.keys(spansOf(rules, 'api_key: x\npassword = y'))).toEqual(['key', 'apikey', 'pw', 'pweq']);
  });

  it('finds overlapping keywords whose end follows a failed longer match (failure links)', () => {
    // "hooks.slack.co" fails at "x"; "ack.cox" must still be found starting inside it.
    const rules = [rule('slack', ['hooks.slack.com']), rule('cox', ['ack.cox'])];
    expect(spansOf(rules, 'hooks.slack.cox')).toEqual({ cox: [[0, 15]] });
  });

  it('gives rules that read the whole text an empty span list', () => {
    expect(spansOf([rule('pem', ['private key-----'], 'file')], '-----BEGIN RSA PRIVATE KEY-----\nMII')).toEqual({ pem: [] });
  });

  it('folds case as String#toLowerCase does, for example the Kelvin sign to k', () => {
    expect(spansOf([rule('k', ['key'])], '\u212Aey')).toEqual({ k: [[0, 3]] });
  });

  it('stays linear on one long line with a hit every few characters', () => {
    const text = 'token '.repeat(400_000);
    const started = process.cpuUsage();
    expect(spansOf([rule('t', ['token'])], text)).toEqual({ t: [[0, text.length]] });
    const used = process.cpuUsage(started);
    expect((used.user + used.system) / 1000, 'CPU milliseconds').toBeLessThan(2000);
  });

  it('agrees with a naive search on random texts and keywords', () => {
    const alphabet = fc.constantFrom('a', 'b', 'A', 'B', '_', '\n', 'é');
    const word = fc.array(fc.constantFrom('a', 'b', '_'), { minLength: 1, maxLength: 4 }).map((cs) => cs.join(''));
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 200 }).map((cs) => cs.join('')), fc.array(fc.array(word, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 4 }), fc.boolean(), (text, keywordSets, fileScope) => {
        const rules = keywordSets.map((ks, i) => rule(`r${i}`, ks, fileScope && i === 0 ? 'file' : 'line'));
        expect(spansOf(rules, text)).toEqual(naive(rules, text));
      }),
      { numRuns: Number(process.env.PALISADE_FUZZ_RUNS ?? 300) },
    );
  });
});
