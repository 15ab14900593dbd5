/** @module scanner/format/json — machine-readable JSON: findings plus totals. */
import { visibleFindings, type FormatOptions, type ScanReport } from './report.ts';

/**
 * The report as JSON (`{ version, tool, findings, summary }`).
 * @example JSON.parse(formatJson(report)).findings[0].ruleId // 'github-pat'
 */
export function formatJson(report: ScanReport, options: FormatOptions = {}): string {
  const findings = visibleFindings(report, options).map((f) => ({
    ruleId: f.ruleId,
    description: f.description,
    category: f.category,
    tags: f.tags,
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
  return (
    JSON.stringify(
      {
        version: 1,
        tool: 'palisade',
        findings,
        summary: { findings: findings.length, suppressed: report.suppressed, ...report.stats },
      },
      null,
      2,
    ) + '\n'
  );
}
