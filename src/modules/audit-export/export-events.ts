/**
 * @module audit-export/export-events — the log's events, in log order (leaf index), as JSON lines:
 * `jsonl` is Palisade's own event JSON (as GET /api/v1/audit/events shows it), `ocsf` the OCSF 1.3
 * object of ocsf.ts. Only integrated events are exported: their order and positions are final.
 */
import type { Queryable } from '../../db/database.ts';
import { toEvent, type DbRow } from '../audit/audit-store.ts';
import type { AuditEvent } from '../audit/audit-types.ts';
import type { ExportFormat, ExportQuery } from './export-types.ts';
import { toOcsf } from './ocsf.ts';

const PAGE = 500;

/**
 * One event as one line of JSON (no newline).
 * @example encodeEvent(event, 'ocsf') // '{"activity_id":1,…}'
 */
export function encodeEvent(e: AuditEvent, format: ExportFormat): string {
  if (format === 'ocsf') return JSON.stringify(toOcsf(e));
  const { leafIndex, seq, id, occurredAt, type, outcome, actor, target, engagementId, requestId, details } = e;
  return JSON.stringify({ leafIndex, seq, id, occurredAt, type, outcome, actor, target, engagementId, requestId, details });
}

/** One page of integrated events after `afterIndex` that match the query's filters. */
async function page(q: Queryable, f: ExportQuery, afterIndex: number): Promise<AuditEvent[]> {
  const where = ['leaf_index > $1'];
  const params: unknown[] = [afterIndex];
  const add = (clause: string, value: unknown) => {
    params.push(value);
    where.push(clause.replace('?', `$${params.length}`));
  };
  if (f.since) add('occurred_at >= ?', new Date(f.since));
  if (f.until) add('occurred_at < ?', new Date(f.until));
  if (f.type && f.type.length > 0) {
    const exact = f.type.filter((t) => !t.endsWith('.*'));
    const prefixes = f.type.filter((t) => t.endsWith('.*')).map((t) => t.slice(0, -1).replace(/[%_\\]/g, '\\$&') + '%');
    params.push(exact, prefixes);
    where.push(`(type = ANY($${params.length - 1}::text[]) OR type LIKE ANY($${params.length}::text[]))`);
  }
  params.push(PAGE);
  const rows = await q.query<DbRow>(`SELECT * FROM audit_log_entries WHERE ${where.join(' AND ')} ORDER BY leaf_index LIMIT $${params.length}`, params);
  return rows.map(toEvent);
}

/**
 * Every matching integrated event as NDJSON lines, read page by page as the consumer pulls.
 * @example for await (const line of exportLines(db, query)) out.write(line);
 */
export async function* exportLines(q: Queryable, f: ExportQuery): AsyncGenerator<string> {
  let after = f.afterIndex;
  for (;;) {
    const events = await page(q, f, after);
    for (const e of events) yield `${encodeEvent(e, f.format)}\n`;
    if (events.length < PAGE) return;
    after = events[events.length - 1]!.leafIndex!;
  }
}
