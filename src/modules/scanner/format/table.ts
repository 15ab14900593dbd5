/** @module scanner/format/table — a human-readable table for terminals. */
import { visibleFindings, type FormatOptions, type ScanReport } from './report.ts';

const MAX_SECRET_WIDTH = 40;

/**
 * Findings as aligned columns (rule, location, commit, secret) and a summary line.
 * @example formatTable(report, {}) // 'RULE  LOCATION  …\n…\n2 findings in 31 files'
 */
export function formatTable(report: ScanReport, options: FormatOptions = {}): string {
  const findings = visibleFindings(report, options);
  const hasCommits = findings.some((f) => f.commit);
  const header = ['RULE', 'LOCATION', ...(hasCommits ? ['COMMIT', 'AUTHOR'] : []), 'SECRET'];
  const rows = findings.map((f) => [
    f.ruleId,
    `${f.file}:${f.line}:${f.column}`,
    ...(hasCommits ? [f.commit ? f.commit.commit.slice(0, 12) : '', f.commit ? f.commit.email : ''] : []),
    printable(f.secret),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  const out: string[] = [];
  if (rows.length > 0) out.push(line(header), ...rows.map(line));
  const { stats } = report;
  const where = stats.commits > 0 ? `${stats.commits} commits` : `${stats.files} file${stats.files === 1 ? '' : 's'}`;
  let summary = findings.length === 0 ? `No secrets found in ${where}` : `${findings.length} finding${findings.length === 1 ? '' : 's'} in ${where}`;
  if (report.suppressed > 0) summary += ` (${report.suppressed} accepted by the baseline)`;
  out.push(summary);
  return out.join('\n') + '\n';
}

/** One line, bounded width, no control characters (a secret may span lines or hold escapes). */
function printable(secret: string): string {
  const flat = secret.replace(/[\x00-\x1f\x7f]+/g, '⏎');
  return flat.length > MAX_SECRET_WIDTH ? `${flat.slice(0, MAX_SECRET_WIDTH - 1)}…` : flat;
}
