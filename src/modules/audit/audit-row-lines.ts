/**
 * @module audit/audit-row-lines — prepared audit rows (`audit.prepare`) as JSON lines, for files that hold
 * events before the database does: the authorizer's deny journal and the git gateway's spool. A row keeps
 * its id in the file, and `audit.recordPrepared` skips ids the log already holds, so a file written to the
 * database twice (a crash between the commit and the file's removal) duplicates nothing.
 */
import type { AuditRow } from './audit-store.ts';

/**
 * One row as a line of a file.
 * @example appendFileSync(path, rowLines([audit.prepare(actor, event)]));
 */
export function rowLines(rows: readonly AuditRow[]): string {
  let text = '';
  for (const r of rows) text += `${JSON.stringify(r)}\n`;
  return text;
}

/**
 * The rows of a file's text. A line that does not parse — the last one, torn by a crash in the middle of
 * its write, whose caller was therefore never told it was kept — is skipped.
 * @example const rows = parseRowLines(readFileSync(path, 'utf8'));
 */
export function parseRowLines(text: string): AuditRow[] {
  const rows: AuditRow[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    try {
      const row = JSON.parse(line) as AuditRow & { occurredAt: string };
      rows.push({ ...row, occurredAt: new Date(row.occurredAt) });
    } catch {
      // A torn last line: see above.
    }
  }
  return rows;
}
