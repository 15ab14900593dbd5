/** @module detection/channel-store — SQL for notification channels and their delivery outbox. */
import type { Queryable } from '../../db/database.ts';
import type { ChannelKind, ListChannelsQuery, Severity } from './detection-types.ts';

export interface ChannelRow {
  id: string; name: string; kind: ChannelKind; minSeverity: Severity; config: Record<string, unknown>; sealedSecret: Uint8Array | null;
  status: 'active' | 'removed'; createdAt: Date; updatedAt: Date;
  pending: number; delivered: number; lastError: string | null;
}

interface DbChannel {
  id: string; name: string; kind: ChannelKind; min_severity: Severity; config: Record<string, unknown>; sealed_secret: Uint8Array | null;
  status: 'active' | 'removed'; created_at: Date; updated_at: Date; pending: number | null; delivered: number | null; last_error: string | null;
}

const SELECT = `SELECT c.*,
  (SELECT count(*) FROM alert_deliveries d WHERE d.channel_id = c.id AND d.status = 'pending') AS pending,
  (SELECT count(*) FROM alert_deliveries d WHERE d.channel_id = c.id AND d.status = 'delivered') AS delivered,
  (SELECT d.last_error FROM alert_deliveries d WHERE d.channel_id = c.id AND d.last_error IS NOT NULL ORDER BY d.last_attempt_at DESC LIMIT 1) AS last_error
  FROM notification_channels c`;

const toRow = (r: DbChannel): ChannelRow => ({
  id: r.id, name: r.name, kind: r.kind, minSeverity: r.min_severity, config: r.config, sealedSecret: r.sealed_secret, status: r.status,
  createdAt: r.created_at, updatedAt: r.updated_at, pending: Number(r.pending ?? 0), delivered: Number(r.delivered ?? 0), lastError: r.last_error,
});

export async function insertChannel(q: Queryable, c: Omit<ChannelRow, 'pending' | 'delivered' | 'lastError'>, createdBy: string | null): Promise<void> {
  await q.query(
    `INSERT INTO notification_channels (id, name, kind, min_severity, config, sealed_secret, status, created_at, created_by, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [c.id, c.name, c.kind, c.minSeverity, JSON.stringify(c.config), c.sealedSecret, c.status, c.createdAt, createdBy, c.updatedAt]);
}

export async function findChannel(q: Queryable, id: string): Promise<ChannelRow | null> {
  const [r] = await q.query<DbChannel>(`${SELECT} WHERE c.id = $1`, [id]);
  return r ? toRow(r) : null;
}

/** The channel row alone (no delivery counts): what the dispatcher needs to send. */
export async function findChannelForSending(q: Queryable, id: string): Promise<ChannelRow | null> {
  const [r] = await q.query<DbChannel>('SELECT c.*, NULL AS pending, NULL AS delivered, NULL AS last_error FROM notification_channels c WHERE c.id = $1', [id]);
  return r ? toRow(r) : null;
}

export async function findActiveChannelByName(q: Queryable, name: string): Promise<ChannelRow | null> {
  const [r] = await q.query<DbChannel>(`${SELECT} WHERE lower(c.name) = lower($1) AND c.status = 'active'`, [name]);
  return r ? toRow(r) : null;
}

export async function listChannels(q: Queryable, f: ListChannelsQuery, after: string | null): Promise<ChannelRow[]> {
  const params: unknown[] = [];
  const where: string[] = [];
  if (f.status) {
    params.push(f.status);
    where.push(`c.status = $${params.length}`);
  }
  if (after) {
    params.push(after);
    where.push(`c.id > $${params.length}`);
  }
  params.push(f.limit + 1);
  return (await q.query<DbChannel>(`${SELECT}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY c.id LIMIT $${params.length}`, params)).map(toRow);
}

/** Remove a channel; its undelivered alerts are cancelled (they stay listed, with the reason). */
export async function removeChannel(q: Queryable, id: string, now: Date): Promise<void> {
  await q.query("UPDATE notification_channels SET status = 'removed', updated_at = $2 WHERE id = $1", [id, now]);
  await q.query("UPDATE alert_deliveries SET status = 'cancelled', last_error = 'channel removed' WHERE channel_id = $1 AND status = 'pending'", [id]);
}

export interface DueDelivery { id: string; alertId: string; channelId: string; attempts: number }

export async function dueDeliveries(q: Queryable, now: Date, limit: number): Promise<DueDelivery[]> {
  const rows = await q.query<{ id: string; alert_id: string; channel_id: string; attempts: number }>(
    "SELECT id, alert_id, channel_id, attempts FROM alert_deliveries WHERE status = 'pending' AND next_attempt_at <= $1 ORDER BY next_attempt_at, id LIMIT $2",
    [now, limit]);
  return rows.map((r) => ({ id: r.id, alertId: r.alert_id, channelId: r.channel_id, attempts: r.attempts }));
}

/** The earliest time a pending delivery is due (to sleep until then), or null. */
export async function nextDueAt(q: Queryable): Promise<Date | null> {
  const [r] = await q.query<{ at: Date | null }>("SELECT min(next_attempt_at) AS at FROM alert_deliveries WHERE status = 'pending'");
  return r?.at ?? null;
}

export async function markDelivered(q: Queryable, id: string, now: Date): Promise<void> {
  await q.query("UPDATE alert_deliveries SET status = 'delivered', attempts = attempts + 1, delivered_at = $2, last_attempt_at = $2 WHERE id = $1 AND status = 'pending'", [id, now]);
}

export async function markFailed(q: Queryable, id: string, error: string, now: Date, nextAt: Date): Promise<void> {
  await q.query(
    "UPDATE alert_deliveries SET attempts = attempts + 1, last_error = $2, last_attempt_at = $3, next_attempt_at = $4 WHERE id = $1 AND status = 'pending'",
    [id, error.slice(0, 500), now, nextAt]);
}
