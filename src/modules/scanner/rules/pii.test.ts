/** @module scanner/rules/pii.test — personal-data rules find valid numbers and addresses, and reject checksum failures and examples. */
import { describe, expect, it } from 'vitest';
import { createScanner } from '../scanner.ts';
import { describeRuleCases } from '../testing/rule-cases.ts';
import { piiCases } from './pii.cases.ts';

describeRuleCases('personal-data rules', piiCases, true);

describe('personal-data rules are off by default', () => {
  it('reports no e-mail address unless personal data is asked for', () => {
    const text = 'jane.doe@acme-mail.de';
    expect(createScanner().scanText(text, 'a.csv')).toEqual([]);
    expect(createScanner({ personalData: true }).scanText(text, 'a.csv').map((f) => f.category)).toEqual(['pii']);
  });
});
