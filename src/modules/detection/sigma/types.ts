/** @module detection/sigma/types — the data shapes of loaded Sigma rules, events and matches (the engine's public contract). */

/** One YAML file to load: `path` is only used in error messages and as a fallback rule id. */
export interface SigmaSource {
  path: string;
  text: string;
}

/** Why a rule (or a whole file) was refused; `line` is 1-based, null when no position is known. */
export interface SigmaRuleError {
  file: string;
  line: number | null;
  message: string;
}

export interface LoadResult {
  rules: SigmaRule[];
  errors: SigmaRuleError[];
}

/** The three keys Sigma uses to say where an event comes from. A rule applies when every key it sets equals the event's. */
export interface Logsource {
  product?: string;
  service?: string;
  category?: string;
}

/** An event as the engine sees it; `fields` may nest objects, addressed by dotted names (`actor_location.country_code`). */
export interface SigmaEvent {
  id: string;
  time: Date;
  logsource: Logsource;
  fields: Record<string, unknown>;
}

/** One firing of a rule. */
export interface SigmaMatch {
  ruleId: string;
  title: string;
  level: string;
  kind: 'detection' | 'correlation';
  /** The events that made it fire (for a correlation: every event counted in the window, capped at 100). */
  eventIds: string[];
  /** Correlation group-by fields and their values in this group; `{}` for a detection. */
  groupBy: Record<string, string>;
  tags: string[];
}

export type SigmaLevel = 'informational' | 'low' | 'medium' | 'high' | 'critical';
export const SIGMA_LEVELS: readonly SigmaLevel[] = ['informational', 'low', 'medium', 'high', 'critical'];

/** Where a rule came from: file and the line of its document's first key. */
export interface RuleOrigin {
  file: string;
  line: number | null;
}

/** Fields shared by detection and correlation rules. */
export interface SigmaRuleCommon {
  /** The rule's `id`, else its `name`, else `<file>#<document index>`. */
  id: string;
  /** Sigma v2 `name`: a second handle correlation rules may use to reference it. */
  name: string | null;
  title: string;
  status: string | null;
  description: string | null;
  level: SigmaLevel;
  tags: string[];
  fields: string[];
  falsepositives: string[];
  references: string[];
  author: string | null;
  origin: RuleOrigin;
  /** The document as loaded (after `action: global` merging), for display and export. */
  raw: Record<string, unknown>;
}

// ---- detection -------------------------------------------------------------------------------------------------

/** A parsed modifier chain of one selection key. */
export interface FieldCondition {
  /** Dotted field name; null for a keyword search (a key such as `|all` or a plain list of values). */
  field: string | null;
  modifiers: string[];
  /** The values as written; always a list (a scalar value becomes a one-item list). */
  values: unknown[];
}

/** A selection is an OR of alternatives; each alternative is an AND of field conditions. */
export interface Selection {
  anyOf: FieldCondition[][];
}

/** The parsed `condition`. */
export type ConditionNode =
  | { type: 'ref'; name: string }
  | { type: 'and'; items: ConditionNode[] }
  | { type: 'or'; items: ConditionNode[] }
  | { type: 'not'; item: ConditionNode }
  /** `1 of sel*`, `all of them`, `2 of x*`: the names are resolved when the condition is parsed. */
  | { type: 'of'; quantifier: 'all' | number; names: string[] };

export interface SigmaDetectionRule extends SigmaRuleCommon {
  kind: 'detection';
  logsource: Logsource;
  selections: Record<string, Selection>;
  condition: ConditionNode;
  /** The condition text as written, for display. */
  conditionText: string;
}

// ---- correlation -----------------------------------------------------------------------------------------------

export type CorrelationType = 'event_count' | 'value_count' | 'temporal' | 'temporal_ordered';
export type ComparisonOp = 'gt' | 'gte' | 'lt' | 'lte' | 'eq' | 'neq';

export interface CorrelationSpec {
  type: CorrelationType;
  /** Referenced rules, by id or name, as written. */
  rules: string[];
  groupBy: string[];
  timespanMs: number;
  timespan: string;
  /** Absent for temporal rules (all referenced rules must match). */
  condition: { op: ComparisonOp; value: number; field: string | null } | null;
  /** `aliases: { alias: { ruleRef: fieldInThatRule } }`: group by a field that has different names per rule. */
  aliases: Record<string, Record<string, string>>;
  /** Sigma's `generate`: when false (default) the referenced rules do not fire on their own. */
  generate: boolean;
}

export interface SigmaCorrelationRule extends SigmaRuleCommon {
  kind: 'correlation';
  correlation: CorrelationSpec;
}

export type SigmaRule = SigmaDetectionRule | SigmaCorrelationRule;

/** The engine compiled from a rule set; it holds correlation windows in memory. */
export interface CompiledRuleSet {
  readonly rules: readonly SigmaRule[];
  evaluate(event: SigmaEvent): SigmaMatch[];
}
