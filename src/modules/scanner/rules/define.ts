/** @module scanner/rules/define — declares Palisade's own rules in JavaScript regex syntax, checked like loaded ones. */
import { allowList } from '../allowlist.ts';
import { compileJsRegex } from '../regex/translate.ts';
import type { AllowList, Rule, RuleCategory } from '../types.ts';

export interface RuleSpec {
  readonly id: string;
  readonly description: string;
  readonly regex: RegExp;
  readonly secretGroup?: number;
  readonly keywords: readonly string[];
  readonly entropy?: number;
  readonly path?: RegExp;
  readonly tags?: readonly string[];
  readonly allow?: readonly Partial<AllowList>[];
  readonly validate?: (secret: string) => boolean;
  readonly scope?: 'line' | 'file';
  readonly category?: RuleCategory;
}

/**
 * A compiled Palisade rule. Throws when the regex fails the backtracking check, so an unsafe default
 * rule cannot ship (the rule tests load every rule).
 * @example defineRule({ id: 'npm-access-token', description: 'npm token', regex: /\bnpm_[A-Za-z0-9]{36}\b/, keywords: ['npm_'] })
 */
export function defineRule(spec: RuleSpec): Rule {
  const { regex } = compileJsRegex(spec.regex);
  const category = spec.category ?? 'credential';
  return {
    id: spec.id,
    description: spec.description,
    regex,
    ...(spec.secretGroup === undefined ? {} : { secretGroup: spec.secretGroup }),
    keywords: spec.keywords.map((k) => k.toLowerCase()),
    ...(spec.entropy === undefined ? {} : { entropy: spec.entropy }),
    ...(spec.path ? { path: spec.path } : {}),
    tags: [category === 'pii' ? 'pii' : 'credential', ...(spec.tags ?? [])],
    allowlists: (spec.allow ?? []).map(allowList),
    ...(spec.validate ? { validate: spec.validate } : {}),
    scope: spec.scope ?? 'line',
    category,
    origin: 'palisade',
  };
}

/**
 * Values that stand in for a secret rather than being one: variables, templates, markers, masks.
 * Shared by the rules that read `name = value` assignments.
 */
export const PLACEHOLDER_VALUES: readonly RegExp[] = [
  /^\$\{[^}]*\}$|^\$\{\{.*\}\}$|^\{\{.*\}\}$|^%[A-Za-z_]+%$|^<[^>]*>$|^\$[A-Za-z_][A-Za-z0-9_]*$|^\{[A-Za-z_]*\}$|^%\([a-z_]+\)s$/,
  /^(.)\1*$/,
  /example|sample|placeholder|dummy|changeme|change[_-]?me|your[_-]|redacted|xxxx|\*\*\*|not[_-]?a[_-]?real|fake|replace[_-]?(?:me|with)|insert[_-]|todo|fixme|_here\b|here$|\.{3}|\u2026|<[^>]+>/i,
];
