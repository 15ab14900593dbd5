/**
 * @module detection/rule-set — what the detection service needs from the Sigma engine (H3's
 * sigma/index.ts, see docs/sigma.md), stated here so the service depends on this shape only.
 */

export interface Logsource { product?: string; service?: string; category?: string }

/** One event as the rules see it: nested objects are addressable by dotted field names. */
export interface SigmaEvent { id: string; time: Date; logsource: Logsource; fields: Record<string, unknown> }

export interface SigmaMatch {
  ruleId: string;
  title: string;
  level: string;
  kind: 'detection' | 'correlation';
  /** The events that made it fire (a correlation: every event counted in its window, at most 100). */
  eventIds: string[];
  groupBy: Record<string, string>;
  tags: string[];
}

/** A compiled rule set; it holds correlation windows in memory, so it is rebuilt after a failed pass. */
export interface RuleSet {
  evaluate(event: SigmaEvent): SigmaMatch[];
}

/** Builds a fresh rule set (empty correlation windows) and says how far back correlations look. */
export interface RuleSetFactory {
  create(): RuleSet;
  /** The longest correlation `timespan` of the rules, in ms (0 without correlation rules). */
  readonly maxTimespanMs: number;
}
