/** @module detection/alert-store — SQL for alerts, the events behind them and their delivery outbox. */
import type { Queryable } from '../../db/database.ts';
import type { Alert, AlertStatus, ListAlertsQuery, Severity } from './detection-types.ts';

export interface AlertRow {
  id: string; ruleId: string; ruleTitle: string; ruleKind: 'detection' | 'correlation'; severity: Severity; status: AlertStatus;
  groupKey: string; subject: string; developerId: string | null; engagementId: string | null; assigneeId: string | null;
  firstSeenAt: Date; lastSeenAt: Date; count: number; details: Record<string, unknown>; resolution: string | null;
  createdAt: Date; updatedAt: Date; acknowledgedAt: Date | null; acknowledgedBy: string | null; resolvedAt: Date | null; resolvedBy: string | null;
}

interface DbAlert {
  id: string; rule_id: string; rule_title: string; rule_kind: 'detection' | 'correlation'; severity: Severity; status: AlertStatus;
  group_key: string; subject: string; developer_id: string | null; engagement_id: string | null; assignee_id: string | null;
  first_seen_at: Date; last_seen_at: Date; count: number; details: Record<string, unknown>; resolution: string | null;
  created_at: Date; updated_at: Date; acknowledged_at: Date | null; acknowledged_by: string | null; resolved_at: Date | null; resolved_by: string | null;
  developer_handle?: string | null; assignee_handle?: string | null; event_count?: number;
}

const toRow = (r: DbAlert): AlertRow => ({
  id: r.id, ruleId: r.rule_id, ruleTitle: r.rule_title, ruleKind: r.rule_kind, severity: r.severity, status: r.status,
  groupKey: r.group_key, subject: r.subject, developerId: r.developer_id, engagementId: r.engagement_id, assigneeId: r.assignee_id,
  firstSeenAt: r.first_seen_at, lastSeenAt: r.last_seen_at, count: r.count, details: r.details, resolution: r.resolution,
  createdAt: r.created_at, updatedAt: r.updated_at, acknowledgedAt: r.acknowledged_at, acknowledgedBy: r.acknowledged_by,
  resolvedAt: r.resolved_at, resolvedBy: r.resolved_by,
});

const SELECT = `SELECT a.*, d.handle AS developer_handle, s.handle AS assignee_handle
  FROM alerts a LEFT JOIN people d ON d.id = a.developer_id LEFT JOIN people s ON s.id = a.assignee_id`;

const toAlert = (r: DbAlert): Alert => {
  const row = toRow(r);
  return {
    id: row.id, ruleId: row.ruleId, title: row.ruleTitle, ruleKind: row.ruleKind, severity: row.severity, status: row.status,
    subject: row.subject, groupKey: row.groupKey,
    developer: row.developerId ? { id: row.developerId, handle: r.developer_handle ?? null } : null,
    engagementId: row.engagementId,
    assignee: row.assigneeId ? { id: row.assigneeId, handle: r.assignee_handle ?? null } : null,
    firstSeenAt: row.firstSeenAt, lastSeenAt: row.lastSeenAt, count: row.count,
    tags: Array.isArray(row.details.tags) ? (row.details.tags as string[]) : [],
    groupBy: (row.details.groupBy as Record<string, string> | undefined) ?? {},
    resolution: row.resolution, createdAt: row.createdAt, updatedAt: row.updatedAt,
    acknowledgedAt: row.acknowledgedAt, resolvedAt: row.resolvedAt,
  };
};

/** The latest unresolved alert of a group seen at or after `since` (the grouping window). */
export async function findGroupAlert(q: Queryable, groupKey: string, since: Date): Promise<AlertRow | null> {
  const [r] = await q.query<DbAlert>(
    `SELECT * FROM alerts WHERE group_key = $1 AND status <> 'resolved' AND last_seen_at >= $2 ORDER BY last_seen_at DESC LIMIT 1`,
    [groupKey, since]);
  return r ? toRow(r) : null;
}

export async function insertAlert(q: Queryable, a: AlertRow): Promise<void> {
  await q.query(
    `INSERT INTO alerts (id, rule_id, rule_title, rule_kind, severity, status, group_key, subject, developer_id, engagement_id, assignee_id,
       first_seen_at, last_seen_at, count, details, resolution, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)`,
    [a.id, a.ruleId, a.ruleTitle, a.ruleKind, a.severity, a.status, a.groupKey, a.subject, a.developerId, a.engagementId, a.assigneeId,
      a.firstSeenAt, a.lastSeenAt, a.count, JSON.stringify(a.details), a.resolution, a.createdAt, a.updatedAt]);
}

/** Fold one more firing into an alert. */
export async function bumpAlert(q: Queryable, id: string, lastSeenAt: Date, now: Date): Promise<void> {
  await q.query('UPDATE alerts SET count = count + 1, last_seen_at = GREATEST(last_seen_at, $2), updated_at = $3 WHERE id = $1', [id, lastSeenAt, now]);
}

/** Attach events (each with its leaf index); an event already attached is skipped. */
export async function addAlertEvents(q: Queryable, alertId: string, events: { id: string; leafIndex: number }[], now: Date): Promise<void> {
  if (events.length === 0) return;
  await q.query(
    `INSERT INTO alert_events (alert_id, event_id, leaf_index, added_at)
     SELECT $1, e::uuid, i::bigint, $4 FROM unnest($2::text[], $3::text[]) AS v(e, i) ON CONFLICT DO NOTHING`,
    [alertId, events.map((e) => e.id), events.map((e) => String(e.leafIndex)), now]);
}

export async function findAlert(q: Queryable, id: string, lock = false): Promise<Alert | null> {
  const [r] = await q.query<DbAlert>(`${SELECT} WHERE a.id = $1${lock ? ' FOR UPDATE OF a' : ''}`, [id]);
  return r ? toAlert(r) : null;
}

export async function alertEvents(q: Queryable, id: string, limit = 1000): Promise<{ eventId: string; leafIndex: number; type: string; occurredAt: Date }[]> {
  const rows = await q.query<{ event_id: string; leaf_index: number; type: string | null; occurred_at: Date | null }>(
    `SELECT ae.event_id, ae.leaf_index, e.type, e.occurred_at FROM alert_events ae LEFT JOIN audit_events e ON e.id = ae.event_id
     WHERE ae.alert_id = $1 ORDER BY ae.leaf_index LIMIT $2`, [id, limit]);
  return rows.map((r) => ({ eventId: r.event_id, leafIndex: r.leaf_index, type: r.type ?? '', occurredAt: r.occurred_at ?? new Date(0) }));
}

export async function listAlerts(q: Queryable, f: ListAlertsQuery, after: string | null): Promise<Alert[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (clause: string, value: unknown) => {
    params.push(value);
    where.push(clause.replaceAll('?', `$${params.length}`));
  };
  if (f.status) add('a.status = ?', f.status);
  if (f.severity) add('a.severity = ANY(?::text[])', severitiesFrom(f.severity));
  if (f.ruleId) add('a.rule_id = ?', f.ruleId);
  if (f.developerId) add('a.developer_id = ?', f.developerId);
  if (f.engagementId) add('a.engagement_id = ?', f.engagementId);
  if (f.assigneeId) add('a.assignee_id = ?', f.assigneeId);
  if (f.since) add('a.last_seen_at >= ?', new Date(f.since));
  if (f.until) add('a.first_seen_at < ?', new Date(f.until));
  if (after) add('a.id > ?', after);
  params.push(f.limit + 1);
  const rows = await q.query<DbAlert>(`${SELECT}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY a.id LIMIT $${params.length}`, params);
  return rows.map(toAlert);
}

export const SEVERITIES: readonly Severity[] = ['informational', 'low', 'medium', 'high', 'critical'];
/** A severity and every one above it. */
export function severitiesFrom(min: Severity): Severity[] {
  return SEVERITIES.slice(SEVERITIES.indexOf(min)) as Severity[];
}

export async function updateAlertStatus(q: Queryable, id: string, patch: {
  status?: AlertStatus; assigneeId?: string | null; resolution?: string | null; by: string | null; now: Date;
}): Promise<void> {
  const sets: string[] = ['updated_at = $2'];
  const params: unknown[] = [id, patch.now];
  const set = (col: string, v: unknown) => {
    params.push(v);
    sets.push(`${col} = $${params.length}`);
  };
  if (patch.status) {
    set('status', patch.status);
    if (patch.status === 'acknowledged') {
      set('acknowledged_at', patch.now);
      set('acknowledged_by', patch.by);
    }
    if (patch.status === 'resolved') {
      set('resolved_at', patch.now);
      set('resolved_by', patch.by);
    }
  }
  if (patch.assigneeId !== undefined) set('assignee_id', patch.assigneeId);
  if (patch.resolution !== undefined) set('resolution', patch.resolution);
  await q.query(`UPDATE alerts SET ${sets.join(', ')} WHERE id = $1`, params);
}
