/** @module scanner/rules/index.test — the default rule set: size, unique ids, and a positive and negative case for every rule. */
import { describe, expect, it } from 'vitest';
import { defaultRules } from './index.ts';
import { cloudCases } from './cloud.cases.ts';
import { codeHostCases } from './code-hosts.cases.ts';
import { genericCases } from './generic.cases.ts';
import { keyCases } from './keys.cases.ts';
import { messagingCases } from './messaging.cases.ts';
import { palisadeCases } from './palisade.cases.ts';
import { paymentCases } from './payment.cases.ts';
import { piiCases } from './pii.cases.ts';

const allCases = [...cloudCases, ...codeHostCases, ...genericCases, ...keyCases, ...messagingCases, ...palisadeCases, ...paymentCases, ...piiCases];

describe('default rules', () => {
  it('cover at least 60 credential types', () => {
    expect(defaultRules().filter((r) => r.category === 'credential').length).toBeGreaterThanOrEqual(60);
  });

  it('have unique ids and tag personal data separately from credentials', () => {
    const rules = defaultRules({ personalData: true });
    expect(new Set(rules.map((r) => r.id)).size).toBe(rules.length);
    for (const r of rules) expect(r.tags).toContain(r.category === 'pii' ? 'pii' : 'credential');
  });

  it('each have at least one positive and one negative test case', () => {
    const missing = defaultRules({ personalData: true })
      .filter((r) => {
        const c = allCases.find((x) => x.rule === r.id);
        return !c || c.positive.length === 0 || c.negative.length === 0;
      })
      .map((r) => r.id);
    expect(missing).toEqual([]);
  });

  it('have no test cases for rules that do not exist', () => {
    const ids = new Set(defaultRules({ personalData: true }).map((r) => r.id));
    expect(allCases.map((c) => c.rule).filter((id) => !ids.has(id))).toEqual([]);
  });
});
