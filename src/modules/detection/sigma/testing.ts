/** @module detection/sigma/testing — helpers for tests and benchmarks: rules from YAML text, events in one line. */
import { stringify } from 'yaml';
import { compileRuleSet } from './compile.ts';
import { loadSigmaRules } from './loader.ts';
import type { CompiledRuleSet, SigmaEvent } from './types.ts';

/** Loads YAML rule texts and compiles them; throws if any rule is refused (tests want to see why). */
export function engineFrom(...texts: string[]): CompiledRuleSet {
  const { rules, errors } = loadSigmaRules(texts.map((text, i) => ({ path: `rule${i + 1}.yml`, text })));
  if (errors.length > 0) throw new Error(errors.map((e) => `${e.file}:${e.line}: ${e.message}`).join('\n'));
  return compileRuleSet(rules);
}

/** A detection rule for `product: test` with the given detection block. */
export function ruleYaml(detection: Record<string, unknown>, extra: Record<string, unknown> = {}): string {
  return stringify({ title: 'test rule', id: 'test-rule', logsource: { product: 'test' }, level: 'high', detection, ...extra });
}

let counter = 0;
/** An event of `product: test`; `time` in milliseconds since the epoch when given. */
export function testEvent(fields: Record<string, unknown>, time = 0, id = `e${++counter}`): SigmaEvent {
  return { id, time: new Date(time), logsource: { product: 'test' }, fields };
}

/** Does a selection (with condition `sel`) match these fields? */
export function selects(selection: unknown, fields: Record<string, unknown>): boolean {
  return engineFrom(ruleYaml({ sel: selection, condition: 'sel' })).evaluate(testEvent(fields)).length > 0;
}
