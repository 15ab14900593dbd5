/** @module scanner/rules/palisade.test — Palisade tokens are found only when their checksum holds. */
import { describe, expect, it } from 'vitest';
import { generateToken } from '../../../core/secret-token.ts';
import { createScanner } from '../scanner.ts';
import { describeRuleCases } from '../testing/rule-cases.ts';
import { palisadeCases } from './palisade.cases.ts';

describeRuleCases('Palisade rules', palisadeCases);

describe('palisade-api-token', () => {
  it('finds a token made by the token generator itself', () => {
    const token = generateToken();
    const found = createScanner().scanText(`PALISADE_TOKEN=${token}`, 'a.md');
    expect(found.map((f) => [f.ruleId, f.secret])).toEqual([['palisade-api-token', token]]);
  });
});
