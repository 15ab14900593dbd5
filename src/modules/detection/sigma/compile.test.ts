/** @module detection/sigma/compile.test — log-source matching, match order and the shape of a detection match. */
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { compileRuleSet } from './compile.ts';
import { loadSigmaRules } from './loader.ts';
import type { Logsource, SigmaEvent } from './types.ts';

const rule = (id: string, logsource: Logsource) =>
  stringify({ title: id, id, logsource, level: 'low', tags: ['t'], detection: { sel: { action: 'x' }, condition: 'sel' } });

const { rules } = loadSigmaRules(
  [
    rule('any', {}),
    rule('github', { product: 'github' }),
    rule('github-audit', { product: 'GitHub', service: 'audit' }),
    rule('github-web', { product: 'github', service: 'web' }),
    rule('category', { category: 'authentication' }),
  ].map((text, i) => ({ path: `${i}.yml`, text })),
);
const fired = (logsource: Logsource) =>
  compileRuleSet(rules)
    .evaluate({ id: 'e', time: new Date(0), logsource, fields: { action: 'x' } })
    .map((m) => m.ruleId);

describe('log-source matching', () => {
  it('applies a rule when every key it sets equals the event’s, case-insensitively', () => {
    expect(fired({ product: 'github', service: 'audit' })).toEqual(['any', 'github', 'github-audit']);
    expect(fired({ product: 'GITHUB', service: 'Web' })).toEqual(['any', 'github', 'github-web']);
  });
  it('does not apply a rule that sets a key the event lacks', () => {
    expect(fired({ product: 'github' })).toEqual(['any', 'github']);
    expect(fired({ product: 'palisade', category: 'authentication' })).toEqual(['any', 'category']);
    expect(fired({})).toEqual(['any']);
  });
});

describe('a detection match', () => {
  it('names the rule, its level and tags, and the event', () => {
    const engine = compileRuleSet(rules);
    const event: SigmaEvent = { id: 'ev-1', time: new Date(0), logsource: { product: 'palisade' }, fields: { action: 'x' } };
    expect(engine.evaluate(event)).toEqual([{ ruleId: 'any', title: 'any', level: 'low', kind: 'detection', eventIds: ['ev-1'], groupBy: {}, tags: ['t'] }]);
    expect(engine.rules).toHaveLength(5);
    expect(Object.isFrozen(engine.rules)).toBe(true);
  });
  it('is not produced for an event whose fields do not match', () => {
    expect(compileRuleSet(rules).evaluate({ id: 'e', time: new Date(0), logsource: { product: 'github' }, fields: { action: 'y' } })).toEqual([]);
  });
});
