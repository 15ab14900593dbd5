/**
 * @module detection/builtin-rules — the rule set the server runs: the built-in Sigma rules shipped in
 * rules/*.yml. (Until the Sigma engine is in the tree, no rules: detection runs and raises nothing.)
 */
import type { RuleSetFactory } from './rule-set.ts';

/** @example const rules = builtinRules(); const set = rules.create(); */
export function builtinRules(): RuleSetFactory {
  return { maxTimespanMs: 0, create: () => ({ evaluate: () => [] }) };
}
