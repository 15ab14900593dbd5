/** @module scanner/engine.test — findings: positions, secret groups, allow lists, markers, long lines, de-duplication. */
import { describe, expect, it } from 'vitest';
import { defineRule } from './rules/define.ts';
import { compileRuleSet, scanSource } from './engine.ts';
import { createScanner } from './scanner.ts';
import { fillTemplate } from './testing/fake.ts';
import { seededRandom } from './testing/random.ts';

const token = (seed = 1): string => fillTemplate('ghp_{alnum:36}', seededRandom(seed)).text;

describe('scanning text', () => {
  const scanner = createScanner();

  it('reports 1-based line and column of the secret, and the end of it', () => {
    const t = token();
    const [f] = scanner.scanText(`first\n  key: ${t}\n`, 'a.yml');
    expect(f).toMatchObject({ ruleId: 'github-pat', line: 2, column: 8, endLine: 2, endColumn: 7 + t.length, secret: t, lineText: `  key: ${t}` });
  });

  it('counts columns in characters when the line has multi-byte UTF-8 before the secret', () => {
    const t = token();
    const [f] = scanner.scanBuffer(Buffer.from(`clé→ ${t}`, 'utf8'), 'a.txt');
    expect(f).toMatchObject({ column: 6, secret: t, lineText: `clé→ ${t}` });
  });

  it('honours palisade:allow and gitleaks:allow markers on the line', () => {
    expect(scanner.scanText(`x = "${token()}" # palisade:allow`, 'a.py')).toEqual([]);
    expect(scanner.scanText(`x = "${token()}" // gitleaks:allow`, 'a.js')).toEqual([]);
  });

  it('skips binary content', () => {
    expect(scanner.scanBuffer(Buffer.concat([Buffer.from([0, 1, 2]), Buffer.from(token())]), 'a.bin')).toEqual([]);
  });

  it('finds a secret inside a very long line, once, after the line is cut into windows', () => {
    const t = token();
    const line = 'x'.repeat(50_000) + ` ${t} ` + 'y'.repeat(50_000);
    const found = scanner.scanText(`a\n${line}\nb`, 'bundle.min.js');
    expect(found.map((f) => [f.line, f.column])).toEqual([[2, 50_002]]);
  });

  it('refuses a rule whose unbounded repeats would backtrack polynomially over a whole line', () => {
    expect(() => defineRule({ id: 'poly', description: 'cubic', regex: /\w+\w+=/, keywords: [] })).toThrow(/chained quantifiers/);
  });

  it('keeps bounded-repeat rules linear on pathological single-line input (1 MB)', () => {
    const rule = defineRule({ id: 'bounded', description: 'bounded', regex: /[\w.-]{0,50}?key[\w.-]{0,20}\s{0,3}=\s{0,3}(\w{32})/i, keywords: [] });
    const set = compileRuleSet([rule]);
    // CPU time, not wall time: the test machine is shared, and a loaded machine would fail a linear scan too.
    const started = process.cpuUsage();
    scanSource(set, { text: 'key'.repeat(350_000), path: 'x', encoding: 'latin1' });
    const used = process.cpuUsage(started);
    expect((used.user + used.system) / 1000).toBeLessThan(5_000);
  });

  it('drops a generic finding when a specific rule reports the same secret', () => {
    const t = token();
    const found = scanner.scanText(`api_token = "${t}"`, 'a.py');
    expect(found.map((f) => f.ruleId)).toEqual(['github-pat']);
  });

  it('uses the first non-empty capture group as the secret when no secretGroup is set (gitleaks)', () => {
    const rule = { ...defineRule({ id: 'g', description: 'd', regex: /(x)?key=(\w{8})/, keywords: ['key='] }) };
    const set = compileRuleSet([rule]);
    expect(scanSource(set, { text: 'key=abcd1234', path: 'f', encoding: 'utf16' })[0]?.secret).toBe('abcd1234');
  });

  it('reports path-only rules once per matching file', () => {
    const set = compileRuleSet([{ ...defineRule({ id: 'p12', description: 'd', regex: /x/, keywords: [] }), regex: undefined, path: /\.p12$/ } as never]);
    expect(scanSource(set, { text: '', path: 'certs/a.p12', encoding: 'utf16' }).map((f) => f.ruleId)).toEqual(['p12']);
    expect(scanSource(set, { text: '', path: 'certs/a.pem', encoding: 'utf16' })).toEqual([]);
  });
});
