/** @module audit/audit-store — SQL for the audit-event outbox. */
import type { Queryable } from '../../db/database.ts';
import type { AuditEvent, AuditQuery, Outcome } from './audit-types.ts';

export interface AuditRow {
  id: string;
  occurredAt: Date;
  type: string;
  outcome: Outcome;
  actorId: string | null;
  actorHandle: string | null;
  actorRole: string | null;
  actorIp: string | null;
  actorUserAgent: string | null;
  targetType: string | null;
  targetId: string | null;
  engagementId: string | null;
  requestId: string | null;
  /** The details as JSON text (JSON.stringify of the caller's object), as the database stores them. */
  detailsJson: string;
}

/** Insert one event. Must run on the same transaction as the change it describes. */
export async function insertEvent(q: Queryable, e: AuditRow): Promise<void> {
  await q.query(
    `INSERT INTO audit_events (id, occurred_at, type, outcome, actor_id, actor_handle, actor_role, actor_ip,
       actor_user_agent, target_type, target_id, engagement_id, request_id, details)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
    [
      e.id, e.occurredAt, e.type, e.outcome, e.actorId, e.actorHandle, e.actorRole, e.actorIp,
      e.actorUserAgent, e.targetType, e.targetId, e.engagementId, e.requestId, e.detailsJson,
    ],
  );
}

/**
 * Insert many events in one statement (one round trip whatever their number). Must run on the
 * same transaction as the changes they describe. Every column travels as a text array (times as ISO
 * text, details as JSON text) and is cast in SQL: both drivers pass text[] the same way.
 */
export async function insertEvents(q: Queryable, rows: readonly AuditRow[], opts: { skipStoredIds?: boolean } = {}): Promise<void> {
  if (rows.length === 0) return;
  const col = <T>(f: (r: AuditRow) => T) => rows.map(f);
  await q.query(
    `INSERT INTO audit_events (id, occurred_at, type, outcome, actor_id, actor_handle, actor_role, actor_ip,
       actor_user_agent, target_type, target_id, engagement_id, request_id, details)
     SELECT id::uuid, at::timestamptz, type, outcome, actor_id::uuid, handle, role, ip, ua, target_type, target_id, engagement_id::uuid, request_id, details::jsonb
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[],
       $12::text[], $13::text[], $14::text[])
       AS v(id, at, type, outcome, actor_id, handle, role, ip, ua, target_type, target_id, engagement_id, request_id, details)
     ${opts.skipStoredIds ? 'ON CONFLICT (id) DO NOTHING' : ''}`,
    [
      col((r) => r.id), col((r) => r.occurredAt.toISOString()), col((r) => r.type), col((r) => r.outcome), col((r) => r.actorId),
      col((r) => r.actorHandle), col((r) => r.actorRole), col((r) => r.actorIp), col((r) => r.actorUserAgent), col((r) => r.targetType),
      col((r) => r.targetId), col((r) => r.engagementId), col((r) => r.requestId), col((r) => r.detailsJson),
    ],
  );
}

/** The leaf index of event `e` (NULL until integrated): the idx of the leaf that names its seq. */
export const LEAF_INDEX = '(SELECT n.idx FROM tlog_nodes n WHERE n.level = 0 AND n.seq = e.seq) AS leaf_index';

/** An audit_events row (with its leaf index) as the drivers return it. */
export interface DbRow {
  seq: number;
  id: string;
  occurred_at: Date;
  type: string;
  outcome: Outcome;
  actor_id: string | null;
  actor_handle: string | null;
  actor_role: string | null;
  actor_ip: string | null;
  actor_user_agent: string | null;
  target_type: string | null;
  target_id: string | null;
  engagement_id: string | null;
  request_id: string | null;
  details: Record<string, unknown>;
  leaf_index: number | null;
}

/** The API shape of a row. */
export function toEvent(r: DbRow): AuditEvent {
  return {
    seq: r.seq,
    id: r.id,
    occurredAt: r.occurred_at,
    type: r.type,
    outcome: r.outcome,
    actor: { id: r.actor_id, handle: r.actor_handle, role: r.actor_role, ip: r.actor_ip, userAgent: r.actor_user_agent },
    target: { type: r.target_type, id: r.target_id },
    engagementId: r.engagement_id,
    requestId: r.request_id,
    details: r.details,
    leafIndex: r.leaf_index,
  };
}

/** Events matching the filters in outbox order, `limit + 1` rows (for the next-page check). */
export async function findEvents(q: Queryable, f: AuditQuery, afterSeq: number | null): Promise<AuditEvent[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (clause: string, value: unknown) => {
    params.push(value);
    where.push(clause.replace('?', `$${params.length}`));
  };
  if (f.type?.endsWith('.*')) add('type LIKE ?', f.type.slice(0, -1).replace(/[%_\\]/g, '\\$&') + '%');
  else if (f.type) add('type = ?', f.type);
  if (f.actorId) add('actor_id = ?', f.actorId);
  if (f.targetType) add('target_type = ?', f.targetType);
  if (f.targetId) add('target_id = ?', f.targetId);
  if (f.engagementId) add('engagement_id = ?', f.engagementId);
  if (f.outcome) add('outcome = ?', f.outcome);
  if (f.since) add('occurred_at >= ?', new Date(f.since));
  if (f.until) add('occurred_at < ?', new Date(f.until));
  if (afterSeq !== null) add('seq > ?', afterSeq);
  params.push(f.limit + 1);
  const rows = await q.query<DbRow>(
    `SELECT e.*, ${LEAF_INDEX} FROM audit_events e ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY seq LIMIT $${params.length}`,
    params,
  );
  return rows.map(toEvent);
}
