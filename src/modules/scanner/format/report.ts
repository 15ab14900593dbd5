/** @module scanner/format/report — what every output format receives: findings (redacted unless asked not to) and totals. */
import { redactFinding } from '../redact.ts';
import type { ScanStats } from '../scanner.ts';
import type { Finding, Rule } from '../types.ts';

export interface ScanReport {
  readonly findings: readonly Finding[];
  readonly suppressed: number;
  readonly stats: ScanStats;
  /** The rules that ran (SARIF lists them). */
  readonly rules: readonly Rule[];
}

export interface FormatOptions {
  /** Show secrets in clear. Off unless the user explicitly asks (`--show-secrets`). */
  readonly showSecrets?: boolean;
}

/**
 * The findings to print: redacted unless `showSecrets`.
 * @example visibleFindings(report, {}) // every secret masked
 */
export function visibleFindings(report: ScanReport, options: FormatOptions): Finding[] {
  return options.showSecrets ? [...report.findings] : report.findings.map(redactFinding);
}
