/** @module access/request-store — SQL for access requests and the approvers' decisions on them. */
import type { Queryable } from '../../db/database.ts';
import { formatIsoDuration } from './duration-fns.ts';
import type { AccessRequest, DecisionRecord, ListAccessRequestsQuery, RequestStatus } from './access-types.ts';
import type { PermissionLevel, RequestPolicyDecision } from './request-policy.ts';

type Raw = Record<string, unknown>;
const json = <T>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T;

const SELECT = `SELECT ar.*, p.handle AS person_handle, rq.handle AS requested_by_handle, r.name AS resource_name,
  COALESCE((SELECT json_agg(json_build_object('approverId', d.approver_id, 'approverHandle', a.handle, 'decision', d.decision,
    'comment', d.comment, 'decidedAt', d.decided_at) ORDER BY d.decided_at, d.approver_id)
    FROM access_request_decisions d JOIN people a ON a.id = d.approver_id WHERE d.request_id = ar.id), '[]') AS decisions
  FROM access_requests ar JOIN people p ON p.id = ar.person_id JOIN people rq ON rq.id = ar.requested_by JOIN resources r ON r.id = ar.resource_id`;

function toRequest(r: Raw): AccessRequest {
  const decisions = json<(Omit<DecisionRecord, 'decidedAt'> & { decidedAt: string })[]>(r.decisions).map((d) => ({ ...d, decidedAt: new Date(d.decidedAt) }));
  return {
    id: r.id as string,
    personId: r.person_id as string,
    personHandle: r.person_handle as string,
    engagementId: r.engagement_id as string,
    resourceId: r.resource_id as string,
    resourceName: r.resource_name as string,
    permission: r.permission as PermissionLevel,
    duration: formatIsoDuration(r.duration_seconds as number),
    durationSeconds: r.duration_seconds as number,
    justification: r.justification as string,
    status: r.status as RequestStatus,
    approvalsRequired: r.approvals_required as number,
    approvals: decisions.filter((d) => d.decision === 'approve').length,
    policy: json<RequestPolicyDecision>(r.decision),
    statusReason: r.status_reason as string | null,
    requestedBy: r.requested_by as string,
    requestedByHandle: r.requested_by_handle as string,
    createdAt: r.created_at as Date,
    expiresAt: r.expires_at as Date,
    decidedAt: r.decided_at as Date | null,
    grantId: r.grant_id as string | null,
    decisions,
  };
}

export interface NewRequest {
  id: string;
  personId: string;
  engagementId: string;
  resourceId: string;
  permission: PermissionLevel;
  durationSeconds: number;
  justification: string;
  status: RequestStatus;
  approvalsRequired: number;
  policy: RequestPolicyDecision;
  statusReason: string | null;
  requestedBy: string;
  createdAt: Date;
  expiresAt: Date;
  decidedAt: Date | null;
}

export async function insertRequest(q: Queryable, r: NewRequest): Promise<void> {
  await q.query(
    `INSERT INTO access_requests (id, person_id, engagement_id, resource_id, permission, duration_seconds, justification, status,
       approvals_required, decision, status_reason, requested_by, created_at, expires_at, decided_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
    [r.id, r.personId, r.engagementId, r.resourceId, r.permission, r.durationSeconds, r.justification, r.status,
      r.approvalsRequired, JSON.stringify(r.policy), r.statusReason, r.requestedBy, r.createdAt, r.expiresAt, r.decidedAt],
  );
}

/** Move a request out of pending. Returns false when it was no longer pending (someone else got there first). */
export async function closeRequest(q: Queryable, id: string, status: Exclude<RequestStatus, 'pending'>, reason: string | null, at: Date, grantId: string | null = null): Promise<boolean> {
  const rows = await q.query(
    `UPDATE access_requests SET status = $2, status_reason = $3, decided_at = $4, grant_id = $5 WHERE id = $1 AND status = 'pending' RETURNING id`,
    [id, status, reason, at, grantId],
  );
  return rows.length > 0;
}

export async function insertDecision(q: Queryable, requestId: string, approverId: string, decision: 'approve' | 'deny', comment: string | null, at: Date): Promise<void> {
  await q.query(
    'INSERT INTO access_request_decisions (request_id, approver_id, decision, comment, decided_at) VALUES ($1, $2, $3, $4, $5)',
    [requestId, approverId, decision, comment, at],
  );
}

/** The request; with `forUpdate` it stays locked until the transaction ends, so decisions on it serialize. */
export async function findRequest(q: Queryable, id: string, forUpdate = false): Promise<AccessRequest | null> {
  if (forUpdate) await q.query('SELECT 1 FROM access_requests WHERE id = $1 FOR UPDATE', [id]);
  const [r] = await q.query<Raw>(`${SELECT} WHERE ar.id = $1`, [id]);
  return r ? toRequest(r) : null;
}

/**
 * Pending requests whose time ran out, moved to expired; returns their ids, people and engagements.
 * Safe to run from several servers at once: each row is expired by exactly one UPDATE.
 */
export async function expirePending(q: Queryable, now: Date, scope: { id?: string } = {}): Promise<{ id: string; personId: string; engagementId: string; resourceId: string; expiresAt: Date }[]> {
  const rows = await q.query<Raw>(
    `UPDATE access_requests SET status = 'expired', status_reason = 'nobody decided before it expired', decided_at = expires_at
     WHERE status = 'pending' AND expires_at <= $1 AND ($2::uuid IS NULL OR id = $2::uuid)
     RETURNING id, person_id, engagement_id, resource_id, expires_at`,
    [now, scope.id ?? null],
  );
  return rows.map((r) => ({ id: r.id as string, personId: r.person_id as string, engagementId: r.engagement_id as string, resourceId: r.resource_id as string, expiresAt: r.expires_at as Date }));
}

/** Pending requests matching a scope (for cancelling them when access ends), locked. */
export async function findPendingIds(q: Queryable, scope: { personId?: string; engagementId?: string; resourceId?: string }): Promise<{ id: string; engagementId: string; personId: string }[]> {
  const rows = await q.query<Raw>(
    `SELECT id, engagement_id, person_id FROM access_requests WHERE status = 'pending'
       AND ($1::uuid IS NULL OR person_id = $1::uuid) AND ($2::uuid IS NULL OR engagement_id = $2::uuid)
       AND ($3::uuid IS NULL OR resource_id = $3::uuid) ORDER BY id FOR UPDATE`,
    [scope.personId ?? null, scope.engagementId ?? null, scope.resourceId ?? null],
  );
  return rows.map((r) => ({ id: r.id as string, engagementId: r.engagement_id as string, personId: r.person_id as string }));
}

/**
 * Requests matching the filters, id order, `limit + 1` rows. `onlyFor` restricts to requests for or
 * by that person (developers); `inboxOf` to pending requests that person may still decide.
 */
export async function listRequests(q: Queryable, f: ListAccessRequestsQuery, afterId: string | null, onlyFor: string | null, inboxOf: string | null): Promise<AccessRequest[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (clause: string, value: unknown) => {
    params.push(value);
    where.push(clause.replaceAll('?', `$${params.length}`));
  };
  if (onlyFor) add('(ar.person_id = ? OR ar.requested_by = ?)', onlyFor);
  if (inboxOf) {
    add(`ar.status = 'pending' AND ar.person_id <> ? AND ar.requested_by <> ?
      AND NOT EXISTS (SELECT 1 FROM access_request_decisions d WHERE d.request_id = ar.id AND d.approver_id = ?)
      AND (r.owner_id = ? OR EXISTS (SELECT 1 FROM resource_approvers ra WHERE ra.resource_id = ar.resource_id AND ra.person_id = ? AND ra.removed_at IS NULL))`, inboxOf);
  }
  if (f.status) add('ar.status = ?', f.status);
  if (f.personId) add('ar.person_id = ?', f.personId);
  if (f.resourceId) add('ar.resource_id = ?', f.resourceId);
  if (f.engagementId) add('ar.engagement_id = ?', f.engagementId);
  if (afterId) add('ar.id > ?', afterId);
  params.push(f.limit + 1);
  const rows = await q.query<Raw>(`${SELECT} ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY ar.id LIMIT $${params.length}`, params);
  return rows.map(toRequest);
}
