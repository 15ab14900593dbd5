/** @module detection/sigma/loader.test — invalid rules are refused with file, line and reason; collections and multi-document files load. */
import { describe, expect, it } from 'vitest';
import { loadSigmaRules } from './loader.ts';

const load = (text: string, path = 'rules/bad.yml') => loadSigmaRules([{ path, text }]);
const GOOD = `title: ok
id: ok-1
logsource:
  product: palisade
detection:
  sel:
    action: git.clone
  condition: sel
`;

/** The one error of a text with one rule, with the rule's lines as written. */
function oneError(text: string) {
  const { rules, errors } = load(text);
  expect(rules).toEqual([]);
  expect(errors).toHaveLength(1);
  return errors[0]!;
}

describe('an invalid rule', () => {
  it.each([
    ['an unknown modifier', GOOD.replace('action: git.clone', 'action|contians: git'), 7, /unknown modifier 'contians'/],
    ['a condition naming a missing selection', GOOD.replace('condition: sel', 'condition: sel and not filter'), 8, /references 'filter', which is not a selection/],
    ['bad condition syntax', GOOD.replace('condition: sel', 'condition: (sel or sel'), 8, /bad condition '\(sel or sel': expected '\)' but the condition ended \(column 12\)/],
    ['a bad cidr', GOOD.replace('action: git.clone', 'ip|cidr: 10.0.0.0/33'), 7, /prefix length must be 0\.\.32/],
    ['a cidr that is no address', GOOD.replace('action: git.clone', 'ip|cidr: 10.0.0/8'), 7, /not an IPv4 or IPv6 address/],
    ['a comparison with a string', GOOD.replace('action: git.clone', "bytes|gt: 'many'"), 7, /'gt' needs a number, not string/],
    ['exists with a string', GOOD.replace('action: git.clone', 'grant|exists: yes'), 7, /'exists' takes true or false/],
    ['a map as a value', GOOD.replace('action: git.clone', 'action: {a: 1}'), 7, /values must be strings, numbers, booleans or null/],
    ['incompatible modifiers', GOOD.replace('action: git.clone', 'action|contains|re: x'), 7, /cannot be combined/],
    ['a catastrophic regular expression', GOOD.replace('action: git.clone', () => "action|re: '^(a+)+$'"), 7, /regular expression '\^\(a\+\)\+\$' refused: a nested quantifier/],
    ['an invalid regular expression', GOOD.replace('action: git.clone', "action|re: '(a'"), 7, /refused: Invalid regular expression/],
    ['a placeholder modifier', GOOD.replace('action: git.clone', "user|expand: '%admins%'"), 7, /'expand' needs placeholder values/],
    ['a Sigma filter rule', 'title: f\nlogsource: {product: palisade}\nfilter:\n  rules: [x]\n', 3, /filter rules .* are not supported/],
    ['a missing condition', GOOD.replace('  condition: sel\n', ''), 5, /'detection' needs a 'condition'/],
    ['a missing detection', GOOD.slice(0, GOOD.indexOf('detection:')), 1, /needs 'detection' \(or 'correlation'\)/],
    ['a missing title', GOOD.replace('title: ok\n', ''), 1, /needs a 'title'/],
    ['a title that is a list', GOOD.replace('title: ok', 'title: [a, b]'), 1, /needs a 'title'/],
    ['an unknown level', `${GOOD}level: severe\n`, 9, /'level' must be one of informational, low, medium, high, critical/],
    ['logsource that is a string', GOOD.replace('logsource:\n  product: palisade', 'logsource: palisade'), 3, /'logsource' must be a map/],
    ['a selection that is a string', GOOD.replace('  sel:\n    action: git.clone', '  sel: git.clone'), 6, /selection 'sel' must be a map/],
    ['a deprecated aggregation', GOOD.replace('condition: sel', 'condition: sel | count() by user > 5'), 8, /write a correlation rule/],
    ['broken YAML', GOOD.replace('  sel:', '  sel: [').replace('condition: sel', 'condition: sel'), null, /^YAML:/],
    ['a duplicate key', GOOD.replace('  condition: sel', '  condition: sel\n  condition: sel'), 9, /^YAML: Map keys must be unique/],
  ])('with %s is refused with its line', (_what, text, line, message) => {
    const error = oneError(text);
    expect(error.file).toBe('rules/bad.yml');
    if (line !== null) expect(error.line).toBe(line);
    else expect(error.line).toEqual(expect.any(Number));
    expect(error.message).toMatch(message);
  });

  it('does not stop the other documents of the file from loading, and its line counts from the file start', () => {
    const text = `${GOOD}---\n${GOOD.replace('ok-1', 'ok-2').replace('action: git.clone', 'action|nope: x')}---\n${GOOD.replace('ok-1', 'ok-3')}`;
    const { rules, errors } = load(text);
    expect(rules.map((r) => r.id)).toEqual(['ok-1', 'ok-3']);
    expect(errors).toEqual([{ file: 'rules/bad.yml', line: 16, message: "'action|nope': unknown modifier 'nope'" }]);
  });
});

describe('correlation rules that cannot run', () => {
  const corr = (body: string) => `${GOOD}---\ntitle: burst\nid: burst\ncorrelation:\n${body}`;
  it.each([
    ['an unknown rule reference', '  type: event_count\n  rules: [nope]\n  timespan: 5m\n  condition: {gte: 3}\n', 14, /references 'nope', which is not the id or name of a loaded rule/],
    ['a bad timespan', '  type: event_count\n  rules: [ok-1]\n  timespan: 5 minutes\n  condition: {gte: 3}\n', 15, /timespan' must be a duration/],
    ['an unknown type', '  type: sum\n  rules: [ok-1]\n  timespan: 5m\n', 13, /'correlation.type' must be one of/],
    ['value_count without a field', '  type: value_count\n  rules: [ok-1]\n  timespan: 5m\n  condition: {gte: 3}\n', 16, /needs 'condition.field'/],
    ['event_count without a condition', '  type: event_count\n  rules: [ok-1]\n  timespan: 5m\n', 12, /needs a 'condition'/],
    ['an unknown operator', '  type: event_count\n  rules: [ok-1]\n  timespan: 5m\n  condition: {above: 3}\n', 16, /unknown operator 'above'/],
    ['a single-rule temporal', '  type: temporal\n  rules: [ok-1]\n  timespan: 5m\n', 14, /at least two rules/],
  ])('with %s is refused with its line', (_what, body, line, message) => {
    const { rules, errors } = load(corr(body));
    expect(rules.map((r) => r.id)).toEqual(['ok-1']);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ file: 'rules/bad.yml', line });
    expect(errors[0]!.message).toMatch(message);
  });

  it('refuses a duplicate id across files, naming the first file', () => {
    const { rules, errors } = loadSigmaRules([{ path: 'a.yml', text: GOOD }, { path: 'b.yml', text: GOOD }]);
    expect(rules).toHaveLength(1);
    expect(errors).toEqual([{ file: 'b.yml', line: 2, message: "duplicate rule id 'ok-1' (first in a.yml)" }]);
  });

  it('resolves references across files, by id or by name', () => {
    const named = GOOD.replace('id: ok-1', 'id: ok-1\nname: clone_rule');
    const burst = 'title: burst\ncorrelation:\n  type: event_count\n  rules: [clone_rule]\n  group-by: [user]\n  timespan: 1h\n  condition: {gte: 20}\n';
    const { rules, errors } = loadSigmaRules([{ path: 'a.yml', text: named }, { path: 'b.yml', text: burst }]);
    expect(errors).toEqual([]);
    expect(rules[1]).toMatchObject({ kind: 'correlation', id: 'b.yml#1', correlation: { type: 'event_count', rules: ['clone_rule'], groupBy: ['user'], timespanMs: 3_600_000, condition: { op: 'gte', value: 20, field: null }, generate: false } });
  });
});

describe('a valid rule', () => {
  it('keeps the Sigma metadata', () => {
    const text = `${GOOD}status: test\nlevel: critical\ntags: [attack.exfiltration]\nfalsepositives:\n  - backups\nfields: [user]\ndescription: mass clone\nauthor: me\n`;
    const [rule] = load(text, 'x.yml').rules;
    expect(rule).toMatchObject({ id: 'ok-1', title: 'ok', status: 'test', level: 'critical', tags: ['attack.exfiltration'], falsepositives: ['backups'], fields: ['user'], description: 'mass clone', author: 'me', origin: { file: 'x.yml', line: 1 } });
    expect(rule).toMatchObject({ kind: 'detection', logsource: { product: 'palisade' }, conditionText: 'sel' });
  });

  it('merges `action: global` into the following documents until `action: reset`, and `action: repeat` repeats the previous one', () => {
    const text = `action: global
title: clones
logsource:
  product: palisade
detection:
  condition: sel
---
id: c1
detection:
  sel:
    action: git.clone
---
id: c2
title: fetches
detection:
  sel:
    action: git.fetch
---
action: repeat
id: c3
detection:
  sel:
    action: git.push
---
action: reset
---
id: c4
title: alone
logsource: { product: github }
detection:
  s: { action: x }
  condition: s
`;
    const { rules, errors } = load(text);
    expect(errors).toEqual([]);
    expect(rules.map((r) => [r.id, r.title, r.kind === 'detection' ? r.logsource.product : null, r.kind === 'detection' ? (r.selections.sel?.anyOf[0]?.[0]?.values ?? null) : null])).toEqual([
      ['c1', 'clones', 'palisade', ['git.clone']],
      ['c2', 'fetches', 'palisade', ['git.fetch']],
      ['c3', 'fetches', 'palisade', ['git.push']],
      ['c4', 'alone', 'github', null],
    ]);
  });

  it('reports an error in a key that came from the global document at the global line', () => {
    const text = 'action: global\nlogsource: {product: palisade}\ndetection:\n  condition: sel and nope\n---\ntitle: t\ndetection:\n  sel: {a: b}\n';
    expect(load(text).errors).toEqual([{ file: 'rules/bad.yml', line: 4, message: expect.stringMatching(/references 'nope'/) }]);
  });
});
