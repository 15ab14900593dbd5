/**
 * @module scanner/gitleaks/load — loads rule files in the gitleaks TOML format (v8), translating each Go
 * regular expression to JavaScript. A rule that cannot be translated is left out and reported by id, never
 * silently dropped.
 */
import { parse } from 'smol-toml';
import { allowList } from '../allowlist.ts';
import { compileGoRegex, RegexRejectedError } from '../regex/translate.ts';
import type { AllowList, Rule } from '../types.ts';

/** A rule (or the global allow list, id `[allowlist]`) that could not be loaded, and why. */
export interface RuleRejection {
  readonly ruleId: string;
  readonly reason: string;
}

export interface LoadedRuleFile {
  readonly title?: string;
  readonly rules: Rule[];
  readonly globalAllowlists: AllowList[];
  readonly rejected: RuleRejection[];
  /** Settings understood but not applied (for example `[extend]`). */
  readonly warnings: string[];
}

/** The file is not TOML or not shaped like a gitleaks configuration at all. */
export class RuleFileError extends Error {
  override name = 'RuleFileError';
}

type Table = Record<string, unknown>;

/**
 * Parses a gitleaks configuration.
 * @example loadGitleaksToml(readFileSync('gitleaks.toml', 'utf8')).rules.length // 222 for the stock file
 */
export function loadGitleaksToml(text: string): LoadedRuleFile {
  let doc: Table;
  try {
    doc = parse(text) as Table;
  } catch (error) {
    throw new RuleFileError(`not valid TOML: ${(error as Error).message}`);
  }
  const rejected: RuleRejection[] = [];
  const warnings: string[] = [];
  if (doc.extend !== undefined) warnings.push('[extend] is not applied: pass the base rule file with another --rules, or keep the default rules');
  const globalAllowlists: AllowList[] = [];
  const targeted: { rules: string[]; list: AllowList }[] = [];
  const globals = [...tables(doc.allowlist, 'allowlist'), ...tables(doc.allowlists, 'allowlists')];
  for (const table of globals) {
    try {
      const list = toAllowList(table);
      const targets = stringList(table.targetRules);
      if (targets.length > 0) targeted.push({ rules: targets, list });
      else globalAllowlists.push(list);
    } catch (error) {
      rejected.push({ ruleId: '[allowlist]', reason: (error as Error).message });
    }
  }
  const rules: Rule[] = [];
  const ruleTables = tables(doc.rules, 'rules');
  for (const [index, table] of ruleTables.entries()) {
    const id = typeof table.id === 'string' && table.id !== '' ? table.id : `#${index + 1}`;
    try {
      const rule = toRule(id, table);
      const extra = targeted.filter((t) => t.rules.includes(id)).map((t) => t.list);
      rules.push(extra.length > 0 ? { ...rule, allowlists: [...rule.allowlists, ...extra] } : rule);
    } catch (error) {
      rejected.push({ ruleId: id, reason: (error as Error).message });
    }
  }
  return { ...(typeof doc.title === 'string' ? { title: doc.title } : {}), rules, globalAllowlists, rejected, warnings };
}

function toRule(id: string, t: Table): Rule {
  if (typeof t.id !== 'string' || t.id === '') throw new Error('rule has no id');
  const regexSource = optionalString(t.regex, 'regex');
  const pathSource = optionalString(t.path, 'path');
  if (regexSource === undefined && pathSource === undefined) throw new Error('rule has neither regex nor path');
  let regex: RegExp | undefined;
  let groupCount = 0;
  if (regexSource !== undefined) {
    const compiled = translate(regexSource, 'regex');
    regex = compiled.regex;
    groupCount = compiled.groupCount;
  }
  const secretGroup = t.secretGroup === undefined ? undefined : Number(t.secretGroup);
  if (secretGroup !== undefined && (!Number.isInteger(secretGroup) || secretGroup < 0 || secretGroup > groupCount)) {
    throw new Error(`secretGroup ${String(t.secretGroup)} but the regex has ${groupCount} groups`);
  }
  const allowlists = [...tables(t.allowlist, 'allowlist'), ...tables(t.allowlists, 'allowlists')].map(toAllowList);
  const entropy = t.entropy === undefined ? undefined : Number(t.entropy);
  return {
    id,
    description: typeof t.description === 'string' ? t.description : id,
    ...(regex ? { regex } : {}),
    ...(secretGroup === undefined || secretGroup === 0 ? {} : { secretGroup }),
    keywords: stringList(t.keywords).map((k) => k.toLowerCase()),
    ...(entropy === undefined || Number.isNaN(entropy) ? {} : { entropy }),
    ...(pathSource === undefined ? {} : { path: tester(translate(pathSource, 'path').regex) }),
    tags: ['credential', 'gitleaks', ...stringList(t.tags)],
    allowlists,
    category: 'credential',
    // Gitleaks runs each rule over the whole fragment once a keyword occurs anywhere in it.
    scope: 'file',
    // Gitleaks' own special case: secrets of `generic*` rules must contain a digit.
    ...(id.startsWith('generic') ? { requireDigit: true } : {}),
    origin: 'gitleaks',
  };
}

function toAllowList(t: Table): AllowList {
  const condition = String(t.condition ?? 'OR').toUpperCase();
  if (condition !== 'OR' && condition !== 'AND') throw new Error(`allowlist condition ${condition} is neither OR nor AND`);
  const target = String(t.regexTarget ?? 'secret');
  if (target !== 'secret' && target !== 'match' && target !== 'line') throw new Error(`allowlist regexTarget ${target} is unknown`);
  return allowList({
    ...(typeof t.description === 'string' ? { description: t.description } : {}),
    condition: condition === 'AND' ? 'and' : 'or',
    regexTarget: target,
    regexes: stringList(t.regexes).map((s) => tester(translate(s, 'allowlist regex').regex)),
    paths: stringList(t.paths).map((s) => tester(translate(s, 'allowlist path').regex)),
    stopwords: stringList(t.stopwords).map((s) => s.toLowerCase()),
    commits: stringList(t.commits),
  });
}

function translate(source: string, field: string): { regex: RegExp; groupCount: number } {
  try {
    return compileGoRegex(source, field === 'regex' ? 'scan' : 'test');
  } catch (error) {
    if (error instanceof RegexRejectedError) throw new Error(`${field}: ${error.reason}: ${error.message}`);
    throw error;
  }
}

/** A copy without `g`, so `test` carries no state between calls. */
function tester(regex: RegExp): RegExp {
  return new RegExp(regex.source, regex.flags.replace('g', ''));
}

function tables(value: unknown, field: string): Table[] {
  if (value === undefined) return [];
  const list = Array.isArray(value) ? value : [value];
  for (const item of list) if (typeof item !== 'object' || item === null) throw new RuleFileError(`${field} must be a table`);
  return list as Table[];
}

function stringList(value: unknown): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) throw new Error('expected a list of strings');
  return value as string[];
}

function optionalString(value: unknown, field: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new Error(`${field} must be a string`);
  return value === '' ? undefined : value;
}
