/**
 * @module detection/sigma/prefilter — which rules can possibly match an event, found by one hash lookup.
 *
 * Most rules require a field to equal one of a few plain values (`action: [repo.destroy, …]`,
 * `type: git.push`). Such a necessary condition lets the engine index the rule under those values and skip
 * it for every event whose field holds something else; rules without one are evaluated for every event.
 */
import type { ConditionNode, FieldCondition, SigmaDetectionRule } from './types.ts';
import { parseWildcards } from './wildcard.ts';

/** The rule can only match when `field`, case-folded, is one of `values`. */
export interface Necessary {
  field: string;
  values: Set<string>;
}

/** The case-folded literal a plain value equals, or null when it has wildcards or cannot be indexed. */
function literalOf(v: unknown): string | null {
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (typeof v !== 'string') return null;
  const parts = parseWildcards(v.toLowerCase());
  return parts.every((p) => typeof p === 'string') ? (parts as string[]).join('') : null;
}

/** Necessary conditions of one AND-ed entry list: each plain-equality entry gives one. */
function ofEntries(entries: FieldCondition[]): Necessary[] {
  const out: Necessary[] = [];
  for (const fc of entries) {
    if (fc.field === null || fc.modifiers.length > 0) continue;
    const lits = fc.values.map(literalOf);
    if (lits.some((l) => l === null)) continue;
    out.push({ field: fc.field, values: new Set(lits as string[]) });
  }
  return out;
}

/** An OR of alternatives is necessary-constrained on a field only if every alternative is; the values unite. */
function unite(alternatives: Necessary[][]): Necessary[] {
  if (alternatives.length === 0) return [];
  const [first, ...rest] = alternatives;
  const out: Necessary[] = [];
  for (const n of first!) {
    const others = rest.map((alt) => alt.find((m) => m.field === n.field));
    if (others.some((o) => o === undefined)) continue;
    out.push({ field: n.field, values: new Set([...n.values, ...others.flatMap((o) => [...o!.values])]) });
  }
  return out;
}

function ofNode(node: ConditionNode, rule: SigmaDetectionRule): Necessary[] {
  switch (node.type) {
    case 'ref':
      return unite(rule.selections[node.name]!.anyOf.map(ofEntries));
    case 'and':
      return node.items.flatMap((n) => ofNode(n, rule));
    case 'or':
      return unite(node.items.map((n) => ofNode(n, rule)));
    case 'not':
      return [];
    case 'of': {
      const parts = node.names.map((name) => ofNode({ type: 'ref', name }, rule));
      return node.quantifier === 'all' ? parts.flat() : node.quantifier === 1 ? unite(parts) : [];
    }
  }
}

/**
 * Every necessary condition of a detection rule found by the analysis (possibly none).
 * @example necessaryConditions(rule) // [{ field: 'action', values: Set { 'repo.destroy', 'repo.archived' } }]
 */
export function necessaryConditions(rule: SigmaDetectionRule): Necessary[] {
  return ofNode(rule.condition, rule);
}

/**
 * Chooses one necessary condition per rule: the field on which the rules' values are most varied across the
 * whole set (a field like `action` or `type` splits events best), then the one with fewest values.
 */
export function chooseIndexKeys(all: Necessary[][]): (Necessary | null)[] {
  const diversity = new Map<string, Set<string>>();
  for (const list of all) for (const n of list) for (const v of n.values) (diversity.get(n.field) ?? diversity.set(n.field, new Set()).get(n.field)!).add(v);
  return all.map((list) => {
    let best: Necessary | null = null;
    for (const n of list) {
      if (!best) best = n;
      else {
        const d = diversity.get(n.field)!.size - diversity.get(best.field)!.size;
        if (d > 0 || (d === 0 && n.values.size < best.values.size)) best = n;
      }
    }
    return best;
  });
}
