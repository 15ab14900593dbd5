/** @module detection/sigma/prefilter.test — the value index never changes what fires: the engine agrees with evaluating every rule. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { compileDetection, compileRuleSet } from './compile.ts';
import { EventView } from './event-view.ts';
import { loadSigmaRules } from './loader.ts';
import { necessaryConditions } from './prefilter.ts';
import type { SigmaDetectionRule } from './types.ts';

const ACTIONS = ['repo.destroy', 'Repo.Create', 'git.clone', 'git.push', '404', 'true', 'a*b', 'org.add_member'];
const rule = (id: string, detection: Record<string, unknown>) => ({ path: `${id}.yml`, text: stringify({ title: id, id, logsource: { product: 'p' }, detection }) });

const sources = [
  rule('eq-list', { s: { action: ['repo.destroy', 'git.clone'] }, condition: 's' }),
  rule('eq-case', { s: { action: 'REPO.CREATE' }, condition: 's' }),
  rule('eq-number', { s: { action: 404 }, condition: 's' }),
  rule('eq-bool', { s: { action: true }, condition: 's' }),
  rule('escaped-star', { s: { action: 'a\\*b' }, condition: 's' }),
  rule('wildcard', { s: { action: 'git.*' }, condition: 's' }),
  rule('or-of-maps', { s: [{ action: 'git.push' }, { action: 'org.add_member', user: 'x' }], condition: 's' }),
  rule('or-mixed', { a: { action: 'git.push' }, b: { user: 'x' }, condition: 'a or b' }),
  rule('not', { a: { action: 'git.push' }, condition: 'not a' }),
  rule('one-of', { s1: { action: 'repo.destroy' }, s2: { action: 'git.clone' }, condition: '1 of s*' }),
  rule('and-other-field', { a: { action: 'git.clone' }, b: { user: ['x', 'y', 'z'] }, condition: 'a and b' }),
  rule('null', { s: { action: [null, 'git.clone'] }, condition: 's' }),
  rule('contains', { s: { 'action|contains': 'repo' }, condition: 's' }),
];

describe('the rule index', () => {
  const { rules, errors } = loadSigmaRules(sources);
  const detections = rules as SigmaDetectionRule[];

  it('finds the necessary conditions it can use, and none where there is none', () => {
    const byId = Object.fromEntries(detections.map((r) => [r.id, necessaryConditions(r).map((n) => [n.field, [...n.values].sort()])]));
    expect(errors).toEqual([]);
    expect(byId['eq-list']).toEqual([['action', ['git.clone', 'repo.destroy']]]);
    expect(byId['eq-case']).toEqual([['action', ['repo.create']]]);
    expect(byId['escaped-star']).toEqual([['action', ['a*b']]]);
    expect(byId['or-of-maps']).toEqual([['action', ['git.push', 'org.add_member']]]);
    expect(byId['one-of']).toEqual([['action', ['git.clone', 'repo.destroy']]]);
    for (const none of ['wildcard', 'or-mixed', 'not', 'null', 'contains']) expect(byId[none]).toEqual([]);
  });

  it('gives the same matches as evaluating every rule, for any event', () => {
    const engine = compileRuleSet(rules);
    const naive = detections.map((r) => ({ id: r.id, test: compileDetection(r) }));
    const value = fc.oneof(fc.constantFrom(...ACTIONS), fc.constantFrom(404, true, false, null), fc.string(), fc.array(fc.constantFrom(...ACTIONS), { maxLength: 3 }));
    fc.assert(
      fc.property(value, fc.option(fc.constantFrom('x', 'y', 'q')), (action, user) => {
        const fields: Record<string, unknown> = { action };
        if (user !== null) fields.user = user;
        const got = engine.evaluate({ id: 'e', time: new Date(0), logsource: { product: 'p' }, fields }).map((m) => m.ruleId);
        const view = new EventView(fields);
        expect(got).toEqual(naive.filter((n) => n.test(view)).map((n) => n.id));
      }),
      { numRuns: 2000 },
    );
  });
});
