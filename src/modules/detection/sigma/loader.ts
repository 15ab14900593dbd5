/** @module detection/sigma/loader — Sigma YAML files (multi-document, `action: global|reset|repeat` collections) to rules, or errors with file and line. */
import { type Document, LineCounter, isMap, isScalar, isSeq, parseAllDocuments } from 'yaml';
import { RuleError, parseRule } from './rule-parse.ts';
import type { LoadResult, SigmaRule, SigmaRuleError, SigmaSource } from './types.ts';

type Doc = Record<string, unknown>;
type Path = (string | number)[];
const isPlainMap = (v: unknown): v is Doc => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The 1-based line of the deepest node along `path` (a key's line for map entries). */
function lineOf(doc: Document, lines: LineCounter, path: Path): number | null {
  let node: unknown = doc.contents;
  let offset: number | undefined = (node as { range?: [number] } | null)?.range?.[0];
  for (const seg of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === String(seg));
      if (!pair) break;
      offset = (pair.key as { range?: [number] } | null)?.range?.[0] ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg];
      if (item === undefined) break;
      offset = (item as { range?: [number] } | null)?.range?.[0] ?? offset;
      node = item;
    } else break;
  }
  return offset === undefined ? null : lines.linePos(offset).line;
}

/** Maps merge key by key (recursively); anything else in `over` replaces. */
function deepMerge(base: Doc, over: Doc): Doc {
  const out: Doc = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = isPlainMap(b) && isPlainMap(v) ? deepMerge(b, v) : v;
  }
  return out;
}

interface Located {
  rule: SigmaRule;
  locate: (path: Path) => number | null;
}

/**
 * Loads every rule of every source; a rule that cannot run is left out and reported with its file, line and
 * reason (the other rules of the file still load). Correlation references are resolved across all sources.
 * @example loadSigmaRules([{ path: 'x.yml', text: 'title: t\nlogsource: {product: github}\ndetection: {s: {action: a}, condition: s}' }]).rules.length // 1
 */
export function loadSigmaRules(sources: SigmaSource[]): LoadResult {
  const loaded: Located[] = [];
  const errors: SigmaRuleError[] = [];
  for (const source of sources) {
    const lines = new LineCounter();
    let docs;
    try {
      docs = parseAllDocuments(source.text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
    } catch (e) {
      errors.push({ file: source.path, line: null, message: `not YAML: ${(e as Error).message}` });
      continue;
    }
    if (!Array.isArray(docs)) continue; // an empty stream
    let global: { doc: Doc; yaml: Document } | null = null;
    let previous: { doc: Doc; yaml: Document } | null = null;
    docs.forEach((yaml, i) => {
      const index = i + 1;
      const startLine = lineOf(yaml, lines, []);
      if (yaml.errors.length > 0) {
        for (const err of yaml.errors) errors.push({ file: source.path, line: err.linePos?.[0]?.line ?? startLine, message: `YAML: ${err.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}` });
        return;
      }
      let js: unknown;
      try {
        js = yaml.toJS({ maxAliasCount: 100 });
      } catch (e) {
        errors.push({ file: source.path, line: startLine, message: `YAML: ${(e as Error).message}` });
        return;
      }
      if (js === null || js === undefined) return; // empty document, e.g. a trailing `---`
      if (!isPlainMap(js)) {
        errors.push({ file: source.path, line: startLine, message: 'a Sigma document must be a map' });
        return;
      }
      const { action, ...rest } = js;
      if (action === 'global') {
        global = { doc: global ? deepMerge(global.doc, rest) : rest, yaml };
        return;
      }
      if (action === 'reset') {
        global = null;
        return;
      }
      if (action !== undefined && action !== 'repeat') {
        errors.push({ file: source.path, line: lineOf(yaml, lines, ['action']), message: `unknown collection action '${String(action)}' (global, reset, repeat)` });
        return;
      }
      let doc = rest;
      if (action === 'repeat') {
        if (!previous) {
          errors.push({ file: source.path, line: lineOf(yaml, lines, ['action']), message: "'action: repeat' needs a previous rule in the same file" });
          return;
        }
        doc = deepMerge(previous.doc, rest);
      } else if (global) doc = deepMerge((global as { doc: Doc }).doc, rest);
      const base = action === 'repeat' ? previous?.yaml : (global as { yaml: Document } | null)?.yaml;
      // A merged rule's key may come from the global (or repeated) document: point at whichever holds it.
      const locate = (path: Path): number | null => {
        for (const y of [yaml, base]) if (y && path.length > 0 && y.hasIn(path)) return lineOf(y, lines, path);
        return lineOf(yaml, lines, path) ?? startLine;
      };
      previous = { doc, yaml };
      try {
        loaded.push({ rule: parseRule(doc, { file: source.path, index, line: startLine }), locate });
      } catch (e) {
        if (!(e instanceof RuleError)) throw e;
        errors.push({ file: source.path, line: locate(e.path), message: e.message });
      }
    });
  }
  return { rules: resolveReferences(loaded, errors), errors };
}

/** Drops duplicate ids and correlations whose references do not resolve to a detection rule. */
function resolveReferences(loaded: Located[], errors: SigmaRuleError[]): SigmaRule[] {
  const byHandle = new Map<string, SigmaRule>();
  const kept: Located[] = [];
  for (const l of loaded) {
    const clash = byHandle.get(l.rule.id);
    if (clash) {
      errors.push({ file: l.rule.origin.file, line: l.locate(['id']), message: `duplicate rule id '${l.rule.id}' (first in ${clash.origin.file})` });
      continue;
    }
    byHandle.set(l.rule.id, l.rule);
    if (l.rule.name !== null && !byHandle.has(l.rule.name)) byHandle.set(l.rule.name, l.rule);
    kept.push(l);
  }
  return kept
    .filter(({ rule, locate }) => {
      if (rule.kind !== 'correlation') return true;
      const bad = rule.correlation.rules.findIndex((ref) => byHandle.get(ref)?.kind !== 'detection');
      if (bad >= 0) {
        const ref = rule.correlation.rules[bad]!;
        const target = byHandle.get(ref);
        const message = target
          ? `correlation '${rule.title}' references '${ref}', which is a correlation rule (chained correlations are not supported)`
          : `correlation '${rule.title}' references '${ref}', which is not the id or name of a loaded rule`;
        errors.push({ file: rule.origin.file, line: locate(['correlation', 'rules', bad]), message });
        return false;
      }
      const unknownAlias = Object.entries(rule.correlation.aliases).find(([, perRule]) => Object.keys(perRule).some((r) => !rule.correlation.rules.includes(r)));
      if (unknownAlias) {
        errors.push({ file: rule.origin.file, line: locate(['aliases', unknownAlias[0]]), message: `alias '${unknownAlias[0]}' names a rule that the correlation does not list` });
        return false;
      }
      return true;
    })
    .map((l) => l.rule);
}
