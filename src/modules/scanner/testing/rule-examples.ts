/**
 * @module scanner/testing/rule-examples — makes example secrets for a rule from its own pattern (gitleaks
 * files ship none) and keeps the first one the whole rule set really reports under that rule's id.
 */
import { parseRegex } from '../regex/parse.ts';
import { generateMatch } from '../regex/generate.ts';
import { compileRuleSet, scanSource, type CompiledRuleSet } from '../engine.ts';
import { seededRandom } from './random.ts';
import type { Rule } from '../types.ts';

export interface RuleExample {
  readonly text: string;
  readonly path: string;
  readonly attempts: number;
}

/**
 * A generated text (and file path) in which the rule set reports `rule`, or null after `tries` attempts.
 * Each candidate is put on its own line after a comment line, as a secret would sit in a config file.
 * @example exampleFor(rule, { regex: '\\bghp_[0-9a-zA-Z]{36}\\b' }, set)
 */
export function exampleFor(
  rule: Rule,
  goSource: { regex?: string; path?: string },
  set: CompiledRuleSet = compileRuleSet([rule]),
  tries = 300,
  seed = 1,
): RuleExample | null {
  const random = seededRandom(seed);
  const regexTree = goSource.regex ? parseRegex(goSource.regex, 'go').node : undefined;
  const pathTree = goSource.path ? parseRegex(goSource.path, 'go').node : undefined;
  for (let attempt = 1; attempt <= tries; attempt++) {
    const body = regexTree ? generateMatch(regexTree, random) : '';
    const path = pathTree ? generateMatch(pathTree, random).replace(/^\//, '') || 'file' : 'config/settings.txt';
    // Gitleaks only needs a keyword somewhere in the text; where the pattern's `.` stood for the keyword's
    // dot, the generated body may lack it, so name the first keyword in the comment line then.
    const lower = body.toLowerCase();
    const keywordLine = rule.keywords.length > 0 && !rule.keywords.some((k) => lower.includes(k)) ? ` (${rule.keywords[0]})` : '';
    const text = `# generated example${keywordLine}\n${body}\n`;
    const findings = scanSource(set, { text, path, encoding: 'utf16' });
    if (findings.some((f) => f.ruleId === rule.id)) return { text, path, attempts: attempt };
  }
  return null;
}
