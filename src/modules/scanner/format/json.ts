/** @module scanner/format/json — machine-readable JSON: findings plus totals (the CLI's `--format json` and the API's answer). */
import { visibleFindings, type FormatOptions, type ScanReport } from './report.ts';

/**
 * The report as a JSON value (`{ version, tool, findings, summary }`); the line around a secret is left out.
 * @example jsonReport(report).summary.findings // 2
 */
export function jsonReport(report: ScanReport, options: FormatOptions = {}) {
  const findings = visibleFindings(report, options).map((f) => ({
    ruleId: f.ruleId,
    description: f.description,
    category: f.category,
    tags: [...f.tags],
    file: f.file,
    line: f.line,
    column: f.column,
    endLine: f.endLine,
    endColumn: f.endColumn,
    secret: f.secret,
    match: f.match,
    entropy: f.entropy,
    fingerprint: f.fingerprint,
    redacted: f.redacted,
    ...(f.commit ? { commit: f.commit.commit, author: f.commit.author, email: f.commit.email, date: f.commit.date } : {}),
  }));
  return {
    version: 1 as const,
    tool: 'palisade' as const,
    findings,
    summary: { findings: findings.length, suppressed: report.suppressed, ...report.stats },
  };
}

/**
 * The report as JSON text.
 * @example JSON.parse(formatJson(report)).findings[0].ruleId // 'github-pat'
 */
export function formatJson(report: ScanReport, options: FormatOptions = {}): string {
  return JSON.stringify(jsonReport(report, options), null, 2) + '\n';
}
