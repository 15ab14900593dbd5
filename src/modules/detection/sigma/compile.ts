/** @module detection/sigma/compile — a rule set compiled to closures, indexed by log source, evaluated event by event. */
import { CorrelationState } from './correlation.ts';
import { EventView, type FieldRef, fieldRef } from './event-view.ts';
import { type FieldTest, compileFieldCondition } from './modifiers.ts';
import { chooseIndexKeys, necessaryConditions } from './prefilter.ts';
import type { CompiledRuleSet, ConditionNode, Logsource, SigmaDetectionRule, SigmaEvent, SigmaMatch, SigmaRule } from './types.ts';

type Test = (view: EventView) => boolean;

interface CompiledDetection {
  /** Position in the rule set: matches come out in this order. */
  order: number;
  rule: SigmaDetectionRule;
  test: Test;
  /** False when a correlation references the rule and none asks for `generate: true`. */
  emit: boolean;
  correlations: CorrelationState[];
}

function and(tests: Test[]): Test {
  if (tests.length === 1) return tests[0]!;
  if (tests.length === 2) {
    const [a, b] = tests as [Test, Test];
    return (v) => a(v) && b(v);
  }
  return (v) => {
    for (const t of tests) if (!t(v)) return false;
    return true;
  };
}

function or(tests: Test[]): Test {
  if (tests.length === 1) return tests[0]!;
  if (tests.length === 2) {
    const [a, b] = tests as [Test, Test];
    return (v) => a(v) || b(v);
  }
  return (v) => {
    for (const t of tests) if (t(v)) return true;
    return false;
  };
}

function atLeast(n: number, tests: Test[]): Test {
  return (v) => {
    let hits = 0;
    for (const t of tests) if (t(v) && ++hits >= n) return true;
    return false;
  };
}

function compileCondition(node: ConditionNode, selections: Map<string, Test>): Test {
  switch (node.type) {
    case 'ref':
      return selections.get(node.name)!;
    case 'and':
      return and(node.items.map((n) => compileCondition(n, selections)));
    case 'or':
      return or(node.items.map((n) => compileCondition(n, selections)));
    case 'not': {
      const inner = compileCondition(node.item, selections);
      return (v) => !inner(v);
    }
    case 'of': {
      const tests = node.names.map((n) => selections.get(n)!);
      return node.quantifier === 'all' ? and(tests) : node.quantifier === 1 ? or(tests) : atLeast(node.quantifier, tests);
    }
  }
}

/** A detection rule as one closure: selections are ORs of ANDs of field tests, combined by the condition. */
export function compileDetection(rule: SigmaDetectionRule): Test {
  const selections = new Map<string, Test>();
  for (const [name, sel] of Object.entries(rule.selections)) {
    // Cheap tests first would need costs; keep the author's order, which usually puts the selective field first.
    selections.set(name, or(sel.anyOf.map((alt) => and(alt.map((fc): FieldTest => compileFieldCondition(fc))))));
  }
  return compileCondition(rule.condition, selections);
}

function applies(rule: Logsource, product: string, service: string, category: string): boolean {
  return (rule.product === undefined || rule.product === product) && (rule.service === undefined || rule.service === service) && (rule.category === undefined || rule.category === category);
}

export interface CompileOptions {
  /** Index rules by a necessary field value (default true); false evaluates every rule of the log source (benchmarks). */
  index?: boolean;
}

/** Most distinct event log sources whose rule lists are remembered. */
const LOGSOURCE_CACHE = 1024;

/**
 * Compiles rules (as loadSigmaRules returns them) into an engine. Throws when a correlation references a rule
 * that is not in `rules` (the loader reports that case as a rule error; here it is a programming error).
 * @example
 * const engine = compileRuleSet(loadSigmaRules(sources).rules);
 * const matches = engine.evaluate({ id: 'e1', time: new Date(), logsource: { product: 'github', service: 'audit' }, fields: { action: 'repo.destroy' } });
 */
export function compileRuleSet(rules: SigmaRule[], options: CompileOptions = {}): CompiledRuleSet {
  const detections: CompiledDetection[] = [];
  const byHandle = new Map<string, CompiledDetection>();
  for (const rule of rules) {
    if (rule.kind !== 'detection') continue;
    const d: CompiledDetection = { order: detections.length, rule, test: compileDetection(rule), emit: true, correlations: [] };
    detections.push(d);
    byHandle.set(rule.id, d);
    if (rule.name !== null && !byHandle.has(rule.name)) byHandle.set(rule.name, d);
  }
  const referencedBy = new Map<CompiledDetection, boolean>();
  for (const rule of rules) {
    if (rule.kind !== 'correlation') continue;
    const targets = rule.correlation.rules.map((ref) => {
      const d = byHandle.get(ref);
      if (!d) throw new Error(`correlation '${rule.id}' references '${ref}', which is not among the compiled detection rules`);
      return d;
    });
    const state = new CorrelationState(rule, targets.map((t) => t.rule));
    for (const t of new Set(targets)) {
      t.correlations.push(state);
      referencedBy.set(t, (referencedBy.get(t) ?? false) || rule.correlation.generate);
    }
  }
  for (const [d, generate] of referencedBy) d.emit = generate;

  const keys = options.index === false ? detections.map(() => null) : chooseIndexKeys(detections.map((d) => necessaryConditions(d.rule)));
  const bySource = new Map<string, Candidates>();
  const candidates = (ls: Logsource): Candidates => {
    const key = `${ls.product ?? ''}\u0000${ls.service ?? ''}\u0000${ls.category ?? ''}`;
    let found = bySource.get(key);
    if (found === undefined) {
      const p = ls.product?.toLowerCase() ?? '', s = ls.service?.toLowerCase() ?? '', c = ls.category?.toLowerCase() ?? '';
      found = index(detections.filter((d) => applies(d.rule.logsource, p, s, c)), keys);
      if (bySource.size >= LOGSOURCE_CACHE) bySource.clear();
      bySource.set(key, found);
    }
    return found;
  };

  return {
    rules: Object.freeze([...rules]),
    evaluate(event: SigmaEvent): SigmaMatch[] {
      const { always, fields, size } = candidates(event.logsource);
      const out: SigmaMatch[] = [];
      if (size === 0) return out;
      const view = new EventView(event.fields);
      let list = always;
      for (const f of fields) {
        const extra = lookup(f, view);
        if (extra !== null) list = list.length === 0 ? extra : mergeByOrder(list, extra);
      }
      for (const d of list) {
        if (!d.test(view)) continue;
        const r = d.rule;
        if (d.emit) out.push({ ruleId: r.id, title: r.title, level: r.level, kind: 'detection', eventIds: [event.id], groupBy: {}, tags: [...r.tags] });
        for (const c of d.correlations) {
          const m = c.add(r, event, view);
          if (m) out.push(m);
        }
      }
      return out;
    },
  };
}

/** The rules that apply to one log source: those always evaluated, and those indexed by a field's value. */
interface Candidates {
  always: CompiledDetection[];
  fields: { ref: FieldRef; byValue: Map<string, CompiledDetection[]> }[];
  size: number;
}

function index(list: CompiledDetection[], keys: ReturnType<typeof chooseIndexKeys>): Candidates {
  const always: CompiledDetection[] = [];
  const byField = new Map<string, Map<string, CompiledDetection[]>>();
  for (const d of list) {
    const key = keys[d.order];
    if (!key) {
      always.push(d);
      continue;
    }
    let byValue = byField.get(key.field);
    if (!byValue) byField.set(key.field, (byValue = new Map()));
    for (const v of key.values) {
      const rules = byValue.get(v);
      if (rules) rules.push(d);
      else byValue.set(v, [d]);
    }
  }
  return { always, fields: [...byField].map(([name, byValue]) => ({ ref: fieldRef(name), byValue })), size: list.length };
}

const NONE: CompiledDetection[] = [];

/** The rules indexed under the event's value of a field (any item, for a list value). */
function lookup(f: Candidates['fields'][number], view: EventView): CompiledDetection[] | null {
  const v = view.value(f.ref);
  if (typeof v === 'string') return f.byValue.get(view.lower(f.ref, v)) ?? null;
  if (typeof v === 'number' || typeof v === 'boolean') return f.byValue.get(String(v)) ?? null;
  if (!Array.isArray(v)) return null;
  let found: CompiledDetection[] = NONE;
  for (const x of v) {
    const key = typeof x === 'string' ? x.toLowerCase() : typeof x === 'number' || typeof x === 'boolean' ? String(x) : null;
    const rules = key === null ? undefined : f.byValue.get(key);
    if (rules) found = mergeByOrder(found, rules);
  }
  return found.length === 0 ? null : found;
}

/** Two lists sorted by rule order, merged without duplicates. */
function mergeByOrder(a: CompiledDetection[], b: CompiledDetection[]): CompiledDetection[] {
  const out: CompiledDetection[] = [];
  let i = 0, j = 0;
  while (i < a.length || j < b.length) {
    const x = a[i], y = b[j];
    if (y === undefined || (x !== undefined && x.order < y.order)) {
      out.push(x!);
      i++;
    } else if (x === undefined || y.order < x.order) {
      out.push(y);
      j++;
    } else {
      out.push(x);
      i++;
      j++;
    }
  }
  return out;
}
