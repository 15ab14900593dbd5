/**
 * @module detection/rule-set — what the detection service needs from the Sigma engine (sigma/index.ts,
 * docs/sigma.md): a rule set it can evaluate events with, and a way to build a fresh one.
 */
import type { SigmaEvent, SigmaMatch } from './sigma/index.ts';

export type { Logsource, SigmaEvent, SigmaMatch } from './sigma/index.ts';

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
