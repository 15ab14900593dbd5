/** @module git-gateway/push/push-rules-store — SQL for repositories' push rules and the push-scan allow list. */
import type { Queryable } from '../../../db/database.ts';
import type { AllowRule } from './allow-list.ts';
import type { AllowEntry } from './push-rules-types.ts';

type Raw = Record<string, unknown>;
const json = <T>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T;

export interface PushRulesRow {
  resourceId: string;
  protectedRefs: string[];
  contribPattern: string | null;
  updatedAt: Date;
  updatedBy: string | null;
}

export async function findPushRules(q: Queryable, resourceId: string): Promise<PushRulesRow | null> {
  const [r] = await q.query<Raw>('SELECT * FROM git_push_rules WHERE resource_id = $1', [resourceId]);
  if (!r) return null;
  return {
    resourceId: r.resource_id as string,
    protectedRefs: json<string[]>(r.protected_refs),
    contribPattern: r.contrib_pattern as string | null,
    updatedAt: r.updated_at as Date,
    updatedBy: r.updated_by as string | null,
  };
}

export async function upsertPushRules(q: Queryable, row: PushRulesRow): Promise<void> {
  await q.query(
    `INSERT INTO git_push_rules (resource_id, protected_refs, contrib_pattern, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (resource_id) DO UPDATE SET protected_refs = $2, contrib_pattern = $3, updated_at = $4, updated_by = $5`,
    [row.resourceId, JSON.stringify(row.protectedRefs), row.contribPattern, row.updatedAt, row.updatedBy],
  );
}

const SELECT_ENTRY = `SELECT e.*, r.name AS resource_name, p.handle AS created_by_handle FROM git_push_allowlist e
  LEFT JOIN resources r ON r.id = e.resource_id LEFT JOIN people p ON p.id = e.created_by`;

function toEntry(r: Raw): AllowEntry {
  return {
    id: r.id as string,
    resourceId: r.resource_id as string | null,
    resourceName: r.resource_name as string | null,
    fingerprint: r.fingerprint as string | null,
    pathPattern: r.path_pattern as string | null,
    reason: r.reason as string,
    status: r.status as AllowEntry['status'],
    createdAt: r.created_at as Date,
    createdBy: r.created_by as string | null,
    createdByHandle: r.created_by_handle as string | null,
    removedAt: r.removed_at as Date | null,
    removedBy: r.removed_by as string | null,
  };
}

export async function insertAllowEntry(q: Queryable, e: Omit<AllowEntry, 'resourceName' | 'createdByHandle'>): Promise<void> {
  await q.query(
    `INSERT INTO git_push_allowlist (id, resource_id, fingerprint, path_pattern, reason, status, created_at, created_by, removed_at, removed_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [e.id, e.resourceId, e.fingerprint, e.pathPattern, e.reason, e.status, e.createdAt, e.createdBy, e.removedAt, e.removedBy],
  );
}

export async function markAllowEntryRemoved(q: Queryable, id: string, at: Date, by: string | null): Promise<void> {
  await q.query("UPDATE git_push_allowlist SET status = 'removed', removed_at = $2, removed_by = $3 WHERE id = $1", [id, at, by]);
}

export async function findAllowEntry(q: Queryable, id: string, forUpdate = false): Promise<AllowEntry | null> {
  const [r] = await q.query<Raw>(`${SELECT_ENTRY} WHERE e.id = $1${forUpdate ? ' FOR UPDATE OF e' : ''}`, [id]);
  return r ? toEntry(r) : null;
}

/** Entries in id order, `limit + 1` rows; with a resource, its own entries and those for every repository. */
export async function listAllowEntries(
  q: Queryable,
  f: { resourceId: string | null; status: AllowEntry['status']; limit: number },
  afterId: string | null,
): Promise<AllowEntry[]> {
  const rows = await q.query<Raw>(
    `${SELECT_ENTRY} WHERE e.status = $1 AND ($2::uuid IS NULL OR e.resource_id = $2::uuid OR e.resource_id IS NULL)
       AND ($3::uuid IS NULL OR e.id > $3::uuid) ORDER BY e.id LIMIT $4`,
    [f.status, f.resourceId, afterId, f.limit + 1],
  );
  return rows.map(toEntry);
}

/** The active entries that apply to a push into `resourceId` (its own and those for every repository). */
export async function activeAllowRules(q: Queryable, resourceId: string): Promise<AllowRule[]> {
  const rows = await q.query<{ id: string; fingerprint: string | null; path_pattern: string | null }>(
    `SELECT id, fingerprint, path_pattern FROM git_push_allowlist
     WHERE status = 'active' AND (resource_id = $1 OR resource_id IS NULL) ORDER BY id`,
    [resourceId],
  );
  return rows.map((r) => ({ id: r.id, fingerprint: r.fingerprint, pathPattern: r.path_pattern }));
}
