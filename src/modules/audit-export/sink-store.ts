/** @module audit-export/sink-store — SQL for export sinks: their configuration, their position in the log, failures and leases. */
import type { Queryable } from '../../db/database.ts';
import type { AuditEvent } from '../audit/audit-types.ts';
import { toEvent, type DbRow } from '../audit/audit-store.ts';
import type { ExportFormat, HttpSinkConfig, ListSinksQuery, SyslogSinkConfig } from './export-types.ts';

export type SinkRow = {
  id: string;
  name: string;
  format: ExportFormat;
  status: 'active' | 'removed';
  sealedHeaders: Uint8Array | null;
  position: number;
  delivered: number;
  failures: number;
  nextAttemptAt: Date | null;
  lastError: string | null;
  lastErrorAt: Date | null;
  lastDeliveredAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
} & ({ kind: 'http'; config: HttpSinkConfig } | { kind: 'syslog'; config: SyslogSinkConfig });

type Raw = Record<string, unknown>;

function toRow(r: Raw): SinkRow {
  return {
    id: r.id as string,
    name: r.name as string,
    kind: r.kind as 'http',
    format: r.format as ExportFormat,
    config: (typeof r.config === 'string' ? JSON.parse(r.config) : r.config) as HttpSinkConfig,
    status: r.status as SinkRow['status'],
    sealedHeaders: (r.sealed_headers as Uint8Array | null) ?? null,
    position: r.position as number,
    delivered: r.delivered as number,
    failures: r.failures as number,
    nextAttemptAt: r.next_attempt_at as Date | null,
    lastError: r.last_error as string | null,
    lastErrorAt: r.last_error_at as Date | null,
    lastDeliveredAt: r.last_delivered_at as Date | null,
    createdAt: r.created_at as Date,
    updatedAt: r.updated_at as Date,
  };
}

export async function insertSink(q: Queryable, s: SinkRow, createdBy: string | null): Promise<void> {
  await q.query(
    `INSERT INTO audit_sinks (id, name, kind, format, config, sealed_headers, status, position, created_at, created_by, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
    [s.id, s.name, s.kind, s.format, JSON.stringify(s.config), s.sealedHeaders, s.status, s.position, s.createdAt, createdBy, s.updatedAt],
  );
}

export async function findSink(q: Queryable, id: string): Promise<SinkRow | null> {
  const [r] = await q.query<Raw>('SELECT * FROM audit_sinks WHERE id = $1', [id]);
  return r ? toRow(r) : null;
}

export async function activeNameTaken(q: Queryable, name: string): Promise<boolean> {
  return (await q.query("SELECT 1 FROM audit_sinks WHERE status = 'active' AND lower(name) = lower($1)", [name])).length > 0;
}

export async function listSinks(q: Queryable, f: ListSinksQuery, afterId: string | null): Promise<SinkRow[]> {
  const rows = await q.query<Raw>(
    `SELECT * FROM audit_sinks WHERE ($1::text IS NULL OR status = $1) AND ($2::uuid IS NULL OR id > $2::uuid) ORDER BY id LIMIT $3`,
    [f.status ?? null, afterId, f.limit + 1],
  );
  return rows.map(toRow);
}

export async function markRemoved(q: Queryable, id: string, at: Date): Promise<void> {
  await q.query("UPDATE audit_sinks SET status = 'removed', updated_at = $2, lease_owner = NULL, lease_until = NULL WHERE id = $1", [id, at]);
}

/** Active sinks whose next attempt is due. */
export async function dueSinks(q: Queryable, now: Date): Promise<SinkRow[]> {
  const rows = await q.query<Raw>(
    "SELECT * FROM audit_sinks WHERE status = 'active' AND (next_attempt_at IS NULL OR next_attempt_at <= $1) ORDER BY id",
    [now],
  );
  return rows.map(toRow);
}

/**
 * Take the sink for `owner` until `until`, unless another owner holds an unexpired lease. The row
 * as taken, or null. A lease outlives a crashed owner by at most its length.
 */
export async function claimLease(q: Queryable, id: string, owner: string, now: Date, until: Date): Promise<SinkRow | null> {
  const [r] = await q.query<Raw>(
    `UPDATE audit_sinks SET lease_owner = $2, lease_until = $4
     WHERE id = $1 AND status = 'active' AND (lease_owner IS NULL OR lease_owner = $2 OR lease_until < $3) RETURNING *`,
    [id, owner, now, until],
  );
  return r ? toRow(r) : null;
}

/**
 * Move the position from `from` to `to` after a delivery; false if the lease was lost or the
 * position moved meanwhile (then nothing changes).
 */
export async function advance(q: Queryable, id: string, owner: string, from: number, to: number, count: number, at: Date): Promise<boolean> {
  const rows = await q.query(
    `UPDATE audit_sinks SET position = $4, delivered = delivered + $5, failures = 0, next_attempt_at = NULL, last_delivered_at = $6, updated_at = $6
     WHERE id = $1 AND lease_owner = $2 AND position = $3 AND status = 'active' RETURNING id`,
    [id, owner, from, to, count, at],
  );
  return rows.length > 0;
}

/** Record a failed delivery, when to try again, and give up the lease. */
export async function recordFailure(q: Queryable, id: string, owner: string, error: string, at: Date, nextAttemptAt: Date): Promise<void> {
  await q.query(
    `UPDATE audit_sinks SET failures = failures + 1, last_error = $3, last_error_at = $4, next_attempt_at = $5, lease_owner = NULL, lease_until = NULL
     WHERE id = $1 AND lease_owner = $2`,
    [id, owner, error, at, nextAttemptAt],
  );
}

export async function releaseLease(q: Queryable, id: string, owner: string): Promise<void> {
  await q.query('UPDATE audit_sinks SET lease_owner = NULL, lease_until = NULL WHERE id = $1 AND lease_owner = $2', [id, owner]);
}

/** Integrated events after a leaf index, in log order. */
export async function eventsAfter(q: Queryable, position: number, limit: number): Promise<AuditEvent[]> {
  const rows = await q.query<DbRow>('SELECT * FROM audit_log_entries WHERE leaf_index > $1 ORDER BY leaf_index LIMIT $2', [position, limit]);
  return rows.map(toEvent);
}

/** Number of integrated events (the tree size). */
export async function logSize(q: Queryable): Promise<number> {
  const [r] = await q.query<{ size: number }>('SELECT size FROM tlog_state WHERE id = 1');
  return r?.size ?? 0;
}
