/** @module detection/sigma — the Sigma rule engine: load YAML rules, compile them, evaluate events (pure: no I/O, no database). */
export { type CompileOptions, compileRuleSet } from './compile.ts';
export { loadSigmaRules } from './loader.ts';
export { SUPPORTED_MODIFIERS } from './modifiers.ts';
export { REGEX_INPUT_CAP, UnsafeRegexError, assertSafeRegex } from './regex-safety.ts';
export type {
  CompiledRuleSet,
  CorrelationSpec,
  LoadResult,
  Logsource,
  SigmaCorrelationRule,
  SigmaDetectionRule,
  SigmaEvent,
  SigmaLevel,
  SigmaMatch,
  SigmaRule,
  SigmaRuleError,
  SigmaSource,
} from './types.ts';
