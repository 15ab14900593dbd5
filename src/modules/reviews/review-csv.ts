/**
 * @module reviews/review-csv — the campaign report as CSV (RFC 4180: CRLF line ends, fields quoted
 * when they hold a comma, quote or line break, quotes doubled). Text a person typed (comments) that
 * starts like a spreadsheet formula (= + - @, tab, carriage return) is prefixed with an apostrophe,
 * so opening the report in a spreadsheet never runs it (OWASP "CSV injection").
 */
import type { Report } from './review-types.ts';

export const CSV_COLUMNS = [
  'campaign_id', 'campaign_name', 'item_id', 'grant_id', 'developer', 'resource', 'permission', 'engagement_id',
  'grant_starts_at', 'grant_ends_at', 'grant_state', 'reviewer', 'last_used_at', 'dormant',
  'decision', 'comment', 'decided_by', 'decided_at', 'escalated_at', 'outcome', 'grant_revoked',
] as const;

/**
 * One CSV field.
 * @example csvField('say "hi", then go') // '"say ""hi"", then go"'
 */
export function csvField(value: string | number | boolean | Date | null): string {
  if (value === null) return '';
  let s = value instanceof Date ? value.toISOString() : String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/**
 * The report as CSV text: a header line, then one line per reviewed grant.
 * @example const csv = reportCsv(report);
 */
export function reportCsv(report: Report): string {
  const c = report.campaign;
  const lines = [CSV_COLUMNS.join(',')];
  for (const i of report.items) {
    lines.push([
      c.id, c.name, i.id, i.grantId, i.person.handle, i.resource.name, i.permission, i.engagementId,
      i.grantStartsAt, i.grantEndsAt, i.grantState, i.reviewer.handle, i.lastUsedAt, i.dormant,
      i.decision, i.comment, i.decidedBy?.handle ?? null, i.decidedAt, i.escalatedAt, i.outcome, i.grantRevoked,
    ].map(csvField).join(','));
  }
  return lines.join('\r\n') + '\r\n';
}
