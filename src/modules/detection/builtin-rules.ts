/**
 * @module detection/builtin-rules — the rule set the server runs: the built-in Sigma rules shipped in
 * rules/*.yml, loaded and compiled by the Sigma engine. A built-in rule that does not load is a bug,
 * so it stops the server at start instead of silently detecting less.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RuleSetFactory } from './rule-set.ts';
import { compileRuleSet, loadSigmaRules, type SigmaRule, type SigmaSource } from './sigma/index.ts';

export const BUILTIN_RULES_DIR = join(fileURLToPath(new URL('.', import.meta.url)), 'rules');

/** The YAML files of the built-in rules, in name order. */
export function builtinRuleSources(dir = BUILTIN_RULES_DIR): SigmaSource[] {
  return readdirSync(dir).filter((n) => n.endsWith('.yml')).sort().map((n) => ({ path: `rules/${n}`, text: readFileSync(join(dir, n), 'utf8') }));
}

/**
 * A factory over loaded rules: each `create()` compiles a rule set with empty correlation windows.
 * @example const rules = ruleSetFactory(loadSigmaRules(sources).rules);
 */
export function ruleSetFactory(rules: SigmaRule[]): RuleSetFactory {
  const maxTimespanMs = Math.max(0, ...rules.map((r) => (r.kind === 'correlation' ? r.correlation.timespanMs : 0)));
  return { maxTimespanMs, create: () => compileRuleSet(rules) };
}

/**
 * The built-in rules (plus `extra` sources, for tests and benchmarks). Throws, naming file, line and
 * reason, if any of them does not load.
 * @example const rules = builtinRules(); rules.create().evaluate(event);
 */
export function builtinRules(extra: SigmaSource[] = []): RuleSetFactory & { rules: SigmaRule[] } {
  const { rules, errors } = loadSigmaRules([...builtinRuleSources(), ...extra]);
  if (errors.length > 0) {
    throw new Error(`detection rules do not load: ${errors.map((e) => `${e.file}${e.line === null ? '' : `:${e.line}`}: ${e.message}`).join('; ')}`);
  }
  return { ...ruleSetFactory(rules), rules };
}
