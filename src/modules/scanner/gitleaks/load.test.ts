/** @module scanner/gitleaks/load.test — the stock gitleaks rule file loads completely and every rule finds secrets made from its own pattern. */
import { readFileSync } from 'node:fs';
import { parse } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { compileRuleSet } from '../engine.ts';
import { exampleFor } from '../testing/rule-examples.ts';
import { loadGitleaksToml } from './load.ts';

const GITLEAKS_TOML = new URL('../../../../test/fixtures/gitleaks/gitleaks.toml', import.meta.url);
const text = readFileSync(GITLEAKS_TOML, 'utf8');
const raw = (parse(text) as { rules: { id: string; regex?: string; path?: string }[] }).rules;

describe('loading the stock gitleaks.toml (222 rules)', () => {
  const loaded = loadGitleaksToml(text);

  it('accounts for every rule: loaded or reported by id', () => {
    expect(raw).toHaveLength(222);
    const accounted = [...loaded.rules.map((r) => r.id), ...loaded.rejected.map((r) => r.ruleId)].sort();
    expect(accounted).toEqual(raw.map((r) => r.id).sort());
  });

  it('translates all 222 rules (none rejected) and keeps the global allow list', () => {
    expect(loaded.rejected).toEqual([]);
    expect(loaded.rules).toHaveLength(222);
    expect(loaded.globalAllowlists).toHaveLength(1);
    expect(loaded.globalAllowlists[0]!.paths.length).toBeGreaterThan(10);
  });

  it('keeps path-only rules (pkcs12-file) and secretGroup', () => {
    const pathOnly = loaded.rules.filter((r) => !r.regex);
    expect(pathOnly.map((r) => r.id)).toEqual(['pkcs12-file']);
    expect(loaded.rules.some((r) => r.secretGroup !== undefined)).toBe(true);
  });

  // Gitleaks rule files carry no example secrets, so each rule gets examples generated from its own
  // Go pattern (random characters from each class, random choices among alternatives), and the whole
  // rule set — with all allow lists, entropy limits and keywords — must report that rule for it.
  const set = compileRuleSet(loaded.rules, loaded.globalAllowlists);
  it.each(loaded.rules.map((r) => r.id))('rule %s finds a secret generated from its pattern', (id) => {
    const rule = loaded.rules.find((r) => r.id === id)!;
    const source = raw.find((r) => r.id === id)!;
    const example = exampleFor(rule, { ...(source.regex ? { regex: source.regex } : {}), ...(source.path ? { path: source.path } : {}) }, set);
    expect(example, `no generated example of ${id} was found`).not.toBeNull();
  });

  it('finds three independent examples for each rule with a regex', () => {
    const failures: string[] = [];
    for (const rule of loaded.rules.filter((r) => r.regex)) {
      const source = raw.find((r) => r.id === rule.id)!;
      for (const seed of [7, 8, 9]) {
        if (!exampleFor(rule, { regex: source.regex!, ...(source.path ? { path: source.path } : {}) }, set, 300, seed)) failures.push(`${rule.id}#${seed}`);
      }
    }
    expect(failures).toEqual([]);
  });
});

describe('loading other gitleaks files', () => {
  it('reports untranslatable and unsafe rules by id and loads the rest', () => {
    const loaded = loadGitleaksToml(`
[[rules]]
id = "fine"
regex = '''(?i)token=([a-z0-9]{16})'''
keywords = ["token="]

[[rules]]
id = "backreference"
regex = '''(a)\\1'''

[[rules]]
id = "lookahead"
regex = '''foo(?=bar)'''

[[rules]]
id = "catastrophic"
regex = '''(a+)+$'''

[[rules]]
id = "bad-group"
regex = '''x(y)'''
secretGroup = 3

[[rules]]
id = "nothing"
description = "neither regex nor path"
`);
    expect(loaded.rules.map((r) => r.id)).toEqual(['fine']);
    expect(Object.fromEntries(loaded.rejected.map((r) => [r.ruleId, r.reason.split(':').slice(0, 2).join(':')]))).toEqual({
      backreference: 'regex: unsupported',
      lookahead: 'regex: unsupported',
      catastrophic: 'regex: backtracking',
      'bad-group': 'secretGroup 3 but the regex has 1 groups',
      nothing: 'rule has neither regex nor path',
    });
  });

  it('applies AND allow lists only when every criterion holds', () => {
    const loaded = loadGitleaksToml(`
[[rules]]
id = "k"
regex = '''key=([a-z0-9]{12})'''
[[rules.allowlists]]
condition = "AND"
paths = ['''^test/''']
regexes = ['''^aaaa''']
`);
    const set = compileRuleSet(loaded.rules);
    const scan = (text: string, path: string) => set && loaded.rules.length > 0 && import('../engine.ts').then((m) => m.scanSource(set, { text, path, encoding: 'utf16' }).length);
    return Promise.all([scan('key=aaaab1c2d3e4', 'test/a'), scan('key=aaaab1c2d3e4', 'src/a'), scan('key=zzzzb1c2d3e4', 'test/a')]).then((counts) =>
      expect(counts).toEqual([0, 1, 1]),
    );
  });

  it('rejects a file that is not TOML', () => {
    expect(() => loadGitleaksToml('[[rules]\nid=')).toThrow(/not valid TOML/);
  });
});
