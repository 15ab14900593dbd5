/**
 * @module access/grant-store — SQL for grants. A grant is effective while
 * `starts_at <= now < ends_at AND revoked_at IS NULL`: it expires by itself, with no job needed.
 */
import type { Queryable } from '../../db/database.ts';
import type { Grant, ListGrantsQuery } from './access-types.ts';
import type { PermissionLevel } from './request-policy.ts';

type Raw = Record<string, unknown>;

const SELECT = `SELECT g.*, p.handle AS person_handle, r.name AS resource_name
  FROM grants g JOIN people p ON p.id = g.person_id JOIN resources r ON r.id = g.resource_id`;

/** The state of a grant at `now`. */
export function grantState(g: { revokedAt: Date | null; endsAt: Date }, now: Date): Grant['state'] {
  if (g.revokedAt) return 'revoked';
  return g.endsAt.getTime() <= now.getTime() ? 'expired' : 'active';
}

function toGrant(r: Raw, now: Date): Grant {
  const g = {
    id: r.id as string,
    personId: r.person_id as string,
    personHandle: r.person_handle as string,
    engagementId: r.engagement_id as string,
    resourceId: r.resource_id as string,
    resourceName: r.resource_name as string,
    permission: r.permission as PermissionLevel,
    requestId: r.request_id as string | null,
    startsAt: r.starts_at as Date,
    endsAt: r.ends_at as Date,
    revokedAt: r.revoked_at as Date | null,
    revokedBy: r.revoked_by as string | null,
    revokeReason: r.revoke_reason as string | null,
    createdAt: r.created_at as Date,
    lastUsedAt: r.last_used_at as Date | null,
  };
  return { ...g, state: grantState(g, now) };
}

export interface NewGrant {
  id: string;
  personId: string;
  engagementId: string;
  resourceId: string;
  permission: PermissionLevel;
  requestId: string | null;
  startsAt: Date;
  endsAt: Date;
  createdAt: Date;
}

export async function insertGrant(q: Queryable, g: NewGrant): Promise<void> {
  await q.query(
    `INSERT INTO grants (id, person_id, engagement_id, resource_id, permission, request_id, starts_at, ends_at, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [g.id, g.personId, g.engagementId, g.resourceId, g.permission, g.requestId, g.startsAt, g.endsAt, g.createdAt],
  );
}

export async function findGrant(q: Queryable, id: string, now: Date, forUpdate = false): Promise<Grant | null> {
  if (forUpdate) await q.query('SELECT 1 FROM grants WHERE id = $1 FOR UPDATE', [id]);
  const [r] = await q.query<Raw>(`${SELECT} WHERE g.id = $1`, [id]);
  return r ? toGrant(r, now) : null;
}

/** One effective grant, as the authorizer needs it. */
export interface EffectiveGrant {
  id: string;
  personId: string;
  engagementId: string;
  resourceId: string;
  permission: PermissionLevel;
  startsAt: Date;
  endsAt: Date;
}

/**
 * The grants that let `personId` use `resourceId` at `now`: started, not ended, not revoked.
 * This is what every decision checks, so an expired grant denies even if no sweeper has run.
 * Uses the partial index grants_person_resource_unrevoked.
 * @example const grants = await findEffectiveGrants(db, personId, resourceId, clock.now());
 */
export async function findEffectiveGrants(q: Queryable, personId: string, resourceId: string, now: Date): Promise<EffectiveGrant[]> {
  const rows = await q.query<Raw>(
    `SELECT id, person_id, engagement_id, resource_id, permission, starts_at, ends_at FROM grants
     WHERE person_id = $1 AND resource_id = $2 AND revoked_at IS NULL AND ends_at > $3 AND starts_at <= $3
     ORDER BY ends_at DESC, id`,
    [personId, resourceId, now],
  );
  return rows.map((r) => ({
    id: r.id as string,
    personId: r.person_id as string,
    engagementId: r.engagement_id as string,
    resourceId: r.resource_id as string,
    permission: r.permission as PermissionLevel,
    startsAt: r.starts_at as Date,
    endsAt: r.ends_at as Date,
  }));
}

/**
 * Revoke, in one statement, every grant in the scope that is not revoked and not yet over.
 * Returns the revoked grants (for one audit event each).
 */
export async function revokeWhere(
  q: Queryable,
  scope: { personId?: string; engagementId?: string; resourceId?: string },
  by: string | null,
  reason: string,
  now: Date,
): Promise<{ id: string; personId: string; engagementId: string; resourceId: string; permission: PermissionLevel; endsAt: Date }[]> {
  if (!scope.personId && !scope.engagementId && !scope.resourceId) throw new Error('revokeWhere needs a scope');
  const rows = await q.query<Raw>(
    `UPDATE grants SET revoked_at = $4, revoked_by = $5, revoke_reason = $6
     WHERE revoked_at IS NULL AND ends_at > $4
       AND ($1::uuid IS NULL OR person_id = $1::uuid) AND ($2::uuid IS NULL OR engagement_id = $2::uuid) AND ($3::uuid IS NULL OR resource_id = $3::uuid)
     RETURNING id, person_id, engagement_id, resource_id, permission, ends_at`,
    [scope.personId ?? null, scope.engagementId ?? null, scope.resourceId ?? null, now, by, reason],
  );
  return rows
    .map((r) => ({ id: r.id as string, personId: r.person_id as string, engagementId: r.engagement_id as string, resourceId: r.resource_id as string, permission: r.permission as PermissionLevel, endsAt: r.ends_at as Date }))
    .sort((a, b) => (a.id < b.id ? -1 : 1));
}

/** Grants matching the filters at `now`, id order, `limit + 1` rows; `onlyFor` restricts to one person's. */
export async function listGrants(q: Queryable, f: ListGrantsQuery, afterId: string | null, onlyFor: string | null, now: Date): Promise<Grant[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (clause: string, value: unknown) => {
    params.push(value);
    where.push(clause.replaceAll('?', `$${params.length}`));
  };
  if (onlyFor) add('g.person_id = ?', onlyFor);
  if (f.personId) add('g.person_id = ?', f.personId);
  if (f.resourceId) add('g.resource_id = ?', f.resourceId);
  if (f.engagementId) add('g.engagement_id = ?', f.engagementId);
  if (f.state === 'revoked') where.push('g.revoked_at IS NOT NULL');
  if (f.state === 'active') add('(g.revoked_at IS NULL AND g.ends_at > ?)', now);
  if (f.state === 'expired') add('(g.revoked_at IS NULL AND g.ends_at <= ?)', now);
  if (afterId) add('g.id > ?', afterId);
  params.push(f.limit + 1);
  const rows = await q.query<Raw>(`${SELECT} ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY g.id LIMIT $${params.length}`, params);
  return rows.map((r) => toGrant(r, now));
}
