/** @module scanner — secret and personal-data scanning: the library API used by `palisade scan` and the git gateway. */
export { createScanner, scanCommitRange, DEFAULT_MAX_FILE_BYTES } from './scanner.ts';
export type { Scanner, ScannerOptions, ScanResult, ScanStats } from './scanner.ts';
export { defaultRules } from './rules/index.ts';
export { loadGitleaksToml, RuleFileError } from './gitleaks/load.ts';
export type { LoadedRuleFile, RuleRejection } from './gitleaks/load.ts';
export { applyBaseline, parseBaseline, writeBaseline, BaselineError } from './baseline.ts';
export { redactFinding, redactSecret } from './redact.ts';
export { findingFingerprint } from './fingerprint.ts';
export { formatTable } from './format/table.ts';
export { formatJson } from './format/json.ts';
export { formatSarif } from './format/sarif.ts';
export type { ScanReport, FormatOptions } from './format/report.ts';
export { GitHistoryError } from './git/history.ts';
export type { AllowList, CommitInfo, Finding, Rule, RuleCategory } from './types.ts';
