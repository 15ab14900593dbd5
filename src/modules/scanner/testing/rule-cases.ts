/** @module scanner/testing/rule-cases — the shape of per-rule positive and negative test cases, and their runner. */
import { describe, expect, it } from 'vitest';
import { createScanner } from '../scanner.ts';
import { defaultRules } from '../rules/index.ts';
import { fillTemplate } from './fake.ts';
import { seededRandom } from './random.ts';

/** A template (see fake.ts) and the file it sits in. */
export type CaseText = string | { readonly text: string; readonly path: string };

export interface RuleCases {
  readonly rule: string;
  /** Each must be reported by `rule`, with the `«…»`-marked secret. */
  readonly positive: readonly CaseText[];
  /** None may be reported by any default rule. */
  readonly negative: readonly CaseText[];
}

export const DEFAULT_CASE_PATH = 'config/app.yaml';

/** Registers one test per case: positives found with the exact secret, negatives silent. */
export function describeRuleCases(group: string, cases: readonly RuleCases[], personalData = false): void {
  const scanner = createScanner({ rules: defaultRules({ personalData }) });
  describe(group, () => {
    for (const c of cases) {
      describe(c.rule, () => {
        c.positive.forEach((raw, i) => {
          it(`finds positive example ${i + 1}`, () => {
            const { text, path } = typeof raw === 'string' ? { text: raw, path: DEFAULT_CASE_PATH } : raw;
            const filled = fillTemplate(text, seededRandom(1000 + i));
            expect(filled.secrets.length, 'the template marks its secret with «»').toBeGreaterThan(0);
            const found = scanner.scanText(filled.text, path).filter((f) => f.ruleId === c.rule);
            expect(found.map((f) => f.secret)).toEqual(filled.secrets);
          });
        });
        c.negative.forEach((raw, i) => {
          it(`stays silent on negative example ${i + 1}`, () => {
            const { text, path } = typeof raw === 'string' ? { text: raw, path: DEFAULT_CASE_PATH } : raw;
            const filled = fillTemplate(text, seededRandom(2000 + i));
            expect(scanner.scanText(filled.text, path).map((f) => `${f.ruleId}: ${f.secret}`)).toEqual([]);
          });
        });
      });
    }
  });
}
