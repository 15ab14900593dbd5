/** @module detection/sigma/rule-parse — one YAML document (already a plain object) validated into a detection or correlation rule. */
import { ConditionError, parseCondition } from './condition.ts';
import { ModifierError, compileFieldCondition } from './modifiers.ts';
import {
  type ComparisonOp,
  type ConditionNode,
  type CorrelationSpec,
  type CorrelationType,
  type FieldCondition,
  type Logsource,
  SIGMA_LEVELS,
  type Selection,
  type SigmaLevel,
  type SigmaRule,
  type SigmaRuleCommon,
} from './types.ts';

/** A reason to refuse a rule, with the YAML path it concerns (for the line number). */
export class RuleError extends Error {
  constructor(
    message: string,
    readonly path: (string | number)[] = [],
  ) {
    super(message);
  }
}

type Doc = Record<string, unknown>;
const isMap = (v: unknown): v is Doc => v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date);
const describe = (v: unknown): string => (v === null || v === undefined ? 'empty' : Array.isArray(v) ? 'a list' : isMap(v) ? 'a map' : typeof v);

function optString(doc: Doc, key: string): string | null {
  const v = doc[key];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string') throw new RuleError(`'${key}' must be a string, not ${describe(v)}`, [key]);
  return v;
}

function stringList(doc: Doc, key: string): string[] {
  const v = doc[key];
  if (v === undefined || v === null) return [];
  const list = Array.isArray(v) ? v : [v];
  list.forEach((item, i) => {
    if (typeof item !== 'string' && typeof item !== 'number') throw new RuleError(`'${key}' must be a list of strings; item ${i + 1} is ${describe(item)}`, Array.isArray(v) ? [key, i] : [key]);
  });
  return list.map(String);
}

export interface ParseContext {
  file: string;
  /** 1-based number of the document in its file. */
  index: number;
  line: number | null;
}

/**
 * Validates one document; throws RuleError (with the offending path) when it is not a rule this engine can run.
 * @example parseRule({ title: 't', logsource: { product: 'github' }, detection: { s: { action: 'repo.destroy' }, condition: 's' } }, { file: 'a.yml', index: 1, line: 1 })
 */
export function parseRule(doc: Doc, ctx: ParseContext): SigmaRule {
  const title = doc.title;
  if (typeof title !== 'string' || title.trim() === '') throw new RuleError("a rule needs a 'title' (a non-empty string)", ['title']);
  const id = optString(doc, 'id');
  const name = optString(doc, 'name');
  const levelText = optString(doc, 'level') ?? 'medium';
  if (!SIGMA_LEVELS.includes(levelText as SigmaLevel)) throw new RuleError(`'level' must be one of ${SIGMA_LEVELS.join(', ')}; got '${levelText}'`, ['level']);
  const common: SigmaRuleCommon = {
    id: id ?? name ?? `${ctx.file}#${ctx.index}`,
    name,
    title,
    status: optString(doc, 'status'),
    description: optString(doc, 'description'),
    level: levelText as SigmaLevel,
    tags: stringList(doc, 'tags'),
    fields: stringList(doc, 'fields'),
    falsepositives: stringList(doc, 'falsepositives'),
    references: stringList(doc, 'references'),
    author: optString(doc, 'author'),
    origin: { file: ctx.file, line: ctx.line },
    raw: doc,
  };
  if (doc.correlation !== undefined) {
    if (doc.detection !== undefined) throw new RuleError("a rule has either 'detection' or 'correlation', not both", ['correlation']);
    return { ...common, kind: 'correlation', correlation: parseCorrelation(doc) };
  }
  if (doc.detection === undefined && doc.filter !== undefined) throw new RuleError('Sigma filter rules (a top-level `filter`) are not supported', ['filter']);
  if (doc.detection === undefined) throw new RuleError("a rule needs 'detection' (or 'correlation')", []);
  const logsource = parseLogsource(doc.logsource);
  const { selections, condition, conditionText } = parseDetection(doc.detection);
  return { ...common, kind: 'detection', logsource, selections, condition, conditionText };
}

function parseLogsource(v: unknown): Logsource {
  if (v === undefined) throw new RuleError("a detection rule needs 'logsource' (product, service and/or category)", []);
  if (!isMap(v)) throw new RuleError(`'logsource' must be a map, not ${describe(v)}`, ['logsource']);
  const out: Logsource = {};
  for (const key of ['product', 'service', 'category'] as const) {
    const x = v[key];
    if (x === undefined || x === null) continue;
    if (typeof x !== 'string') throw new RuleError(`'logsource.${key}' must be a string, not ${describe(x)}`, ['logsource', key]);
    out[key] = x.toLowerCase();
  }
  return out;
}

/** `field|mod|mod` → field (null for a keyword key such as `|all`) and modifiers. */
function splitKey(key: string, path: (string | number)[]): { field: string | null; modifiers: string[] } {
  const [field, ...modifiers] = key.split('|');
  if (modifiers.some((m) => m === '')) throw new RuleError(`'${key}' has an empty modifier`, path);
  return { field: field === '' ? null : field!, modifiers: modifiers.map((m) => m.trim()) };
}

function parseEntry(key: string, value: unknown, path: (string | number)[]): FieldCondition {
  const { field, modifiers } = splitKey(key, path);
  const values = Array.isArray(value) ? value : [value];
  values.forEach((x) => {
    if (x !== null && typeof x === 'object') throw new RuleError(`'${key}': values must be strings, numbers, booleans or null, not ${describe(x)}`, path);
  });
  const fc: FieldCondition = { field, modifiers, values };
  try {
    compileFieldCondition(fc);
  } catch (e) {
    if (e instanceof ModifierError) throw new RuleError(`'${key}': ${e.message}`, path);
    throw e;
  }
  return fc;
}

function parseMapAlternative(map: Doc, path: (string | number)[]): FieldCondition[] {
  const entries = Object.entries(map);
  if (entries.length === 0) throw new RuleError('an empty map in a selection matches nothing', path);
  return entries.map(([key, value]) => parseEntry(key, value, [...path, key]));
}

function parseSelection(name: string, v: unknown): Selection {
  const path = ['detection', name];
  if (isMap(v)) return { anyOf: [parseMapAlternative(v, path)] };
  if (Array.isArray(v)) {
    if (v.length === 0) throw new RuleError(`selection '${name}' is an empty list`, path);
    const anyOf: FieldCondition[][] = [];
    const keywords: unknown[] = [];
    v.forEach((item, i) => {
      if (isMap(item)) anyOf.push(parseMapAlternative(item, [...path, i]));
      else if (typeof item === 'string' || typeof item === 'number') keywords.push(item);
      else throw new RuleError(`selection '${name}': item ${i + 1} must be a map or a keyword string, not ${describe(item)}`, [...path, i]);
    });
    if (keywords.length > 0) anyOf.push([parseEntry('', keywords, path)]);
    return { anyOf };
  }
  throw new RuleError(`selection '${name}' must be a map (fields) or a list (maps or keywords), not ${describe(v)}`, path);
}

function parseDetection(v: unknown): { selections: Record<string, Selection>; condition: ConditionNode; conditionText: string } {
  if (!isMap(v)) throw new RuleError(`'detection' must be a map, not ${describe(v)}`, ['detection']);
  if (v.timeframe !== undefined) throw new RuleError("'detection.timeframe' (Sigma v1 aggregation) is not supported: write a correlation rule", ['detection', 'timeframe']);
  const selections: Record<string, Selection> = {};
  for (const [name, value] of Object.entries(v)) {
    if (name === 'condition') continue;
    selections[name] = parseSelection(name, value);
  }
  const cond = v.condition;
  if (cond === undefined || cond === null) throw new RuleError("'detection' needs a 'condition'", ['detection']);
  const texts = Array.isArray(cond) ? cond : [cond];
  if (texts.length === 0 || texts.some((t) => typeof t !== 'string')) throw new RuleError("'condition' must be a string (or a list of strings)", ['detection', 'condition']);
  const names = Object.keys(selections);
  const nodes = (texts as string[]).map((t, i) => {
    try {
      return parseCondition(t, names);
    } catch (e) {
      if (e instanceof ConditionError) throw new RuleError(`bad condition '${t}': ${e.message}`, Array.isArray(cond) ? ['detection', 'condition', i] : ['detection', 'condition']);
      throw e;
    }
  });
  // A list of conditions (Sigma v1) means any of them.
  const condition: ConditionNode = nodes.length === 1 ? nodes[0]! : { type: 'or', items: nodes };
  return { selections, condition, conditionText: (texts as string[]).join(' or ') };
}

const TIME_UNITS: Record<string, number> = { s: 1e3, m: 60e3, h: 3600e3, d: 86400e3, w: 7 * 86400e3, M: 30 * 86400e3, y: 365 * 86400e3 };
const CORRELATION_TYPES: CorrelationType[] = ['event_count', 'value_count', 'temporal', 'temporal_ordered'];
const OPS: ComparisonOp[] = ['gt', 'gte', 'lt', 'lte', 'eq', 'neq'];

/** `5m` → 300000; s, m, h, d, w, M (30 days), y (365 days). */
export function parseTimespan(text: string): number | null {
  const m = /^([0-9]+)\s*([smhdwMy])$/.exec(text.trim());
  if (!m) return null;
  const ms = Number(m[1]) * TIME_UNITS[m[2]!]!;
  return ms > 0 ? ms : null;
}

function parseCorrelation(doc: Doc): CorrelationSpec {
  const c = doc.correlation;
  const P = (...p: (string | number)[]) => ['correlation', ...p];
  if (!isMap(c)) throw new RuleError(`'correlation' must be a map, not ${describe(c)}`, P());
  const type = c.type;
  if (!CORRELATION_TYPES.includes(type as CorrelationType)) {
    throw new RuleError(`'correlation.type' must be one of ${CORRELATION_TYPES.join(', ')}; got ${JSON.stringify(type)}`, P('type'));
  }
  const rulesRaw = c.rules;
  const rules = (Array.isArray(rulesRaw) ? rulesRaw : [rulesRaw]).filter((r) => r !== undefined);
  if (rules.length === 0 || rules.some((r) => typeof r !== 'string')) throw new RuleError("'correlation.rules' must list the ids or names of the rules it correlates", P('rules'));
  if ((type === 'temporal' || type === 'temporal_ordered') && rules.length < 2) throw new RuleError(`a ${type} correlation needs at least two rules`, P('rules'));
  const groupBy = stringList(c, 'group-by');
  const timespanText = c.timespan ?? c.timeframe;
  const timespanMs = typeof timespanText === 'string' ? parseTimespan(timespanText) : null;
  if (timespanMs === null) throw new RuleError(`'correlation.timespan' must be a duration such as 30s, 5m, 1h or 7d; got ${JSON.stringify(timespanText)}`, P('timespan'));
  let condition: CorrelationSpec['condition'] = null;
  if (c.condition !== undefined && c.condition !== null) {
    if (!isMap(c.condition)) throw new RuleError("'correlation.condition' must be a map such as { gte: 10 }", P('condition'));
    const ops = Object.keys(c.condition).filter((k) => k !== 'field');
    const unknown = ops.find((k) => !OPS.includes(k as ComparisonOp));
    if (unknown) throw new RuleError(`'correlation.condition': unknown operator '${unknown}' (use ${OPS.join(', ')})`, P('condition', unknown));
    if (ops.length !== 1) throw new RuleError("'correlation.condition' takes exactly one operator (gt, gte, lt, lte, eq or neq)", P('condition'));
    const op = ops[0] as ComparisonOp;
    const value = c.condition[op];
    if (typeof value !== 'number' || !Number.isFinite(value)) throw new RuleError(`'correlation.condition.${op}' must be a number`, P('condition', op));
    const field = c.condition.field;
    if (field !== undefined && typeof field !== 'string') throw new RuleError("'correlation.condition.field' must be a field name", P('condition', 'field'));
    condition = { op, value, field: field ?? null };
  }
  if ((type === 'event_count' || type === 'value_count') && condition === null) throw new RuleError(`a ${type} correlation needs a 'condition' such as { gte: 10 }`, P());
  if (type === 'value_count' && !condition?.field) throw new RuleError("a value_count correlation needs 'condition.field': the field whose distinct values are counted", P('condition'));
  // The engine tracks at most 10,000 distinct values per group (correlation.ts MAX_DISTINCT).
  if (type === 'value_count' && condition!.value >= 10_000) throw new RuleError('a value_count condition must stay below 10,000 distinct values', P('condition'));
  const aliases: Record<string, Record<string, string>> = {};
  const aliasesRaw = doc.aliases ?? c.aliases;
  if (aliasesRaw !== undefined) {
    if (!isMap(aliasesRaw)) throw new RuleError("'aliases' must map an alias to { rule: field }", ['aliases']);
    for (const [alias, perRule] of Object.entries(aliasesRaw)) {
      if (!isMap(perRule) || Object.values(perRule).some((f) => typeof f !== 'string')) throw new RuleError(`alias '${alias}' must map rule names to field names`, ['aliases', alias]);
      aliases[alias] = perRule as Record<string, string>;
    }
  }
  const generate = c.generate ?? doc.generate ?? false;
  if (typeof generate !== 'boolean') throw new RuleError("'generate' must be true or false", P('generate'));
  return { type: type as CorrelationType, rules: rules as string[], groupBy, timespanMs, timespan: String(timespanText), condition, aliases, generate };
}
