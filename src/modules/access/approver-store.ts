/** @module access/approver-store — SQL for who may approve access to a resource: its owner and its designated approvers. */
import type { Queryable } from '../../db/database.ts';
import type { Approver } from './access-types.ts';

type Raw = Record<string, unknown>;

/**
 * Who may approve access to the resource now: the owner first, then the designated approvers still in
 * place, in the order they were added — active people holding the approver or admin role only.
 * @example const approvers = await listApprovers(tx, resourceId);
 */
export async function listApprovers(q: Queryable, resourceId: string): Promise<Approver[]> {
  const rows = await q.query<Raw>(
    `SELECT p.id, p.handle, 'owner' AS source, NULL::timestamptz AS added_at, 0 AS ord
       FROM resources r JOIN people p ON p.id = r.owner_id WHERE r.id = $1 AND p.status = 'active' AND p.role IN ('approver', 'admin')
     UNION ALL
     SELECT p.id, p.handle, 'designated', ra.added_at, 1
       FROM resource_approvers ra JOIN resources r ON r.id = ra.resource_id JOIN people p ON p.id = ra.person_id
       WHERE ra.resource_id = $1 AND ra.removed_at IS NULL AND p.status = 'active' AND p.role IN ('approver', 'admin') AND p.id <> r.owner_id
     ORDER BY ord, added_at, handle`,
    [resourceId],
  );
  return rows.map((r) => ({ personId: r.id as string, handle: r.handle as string, source: r.source as Approver['source'], addedAt: r.added_at as Date | null }));
}

/** Whether the person is (still) a designated approver of the resource. */
export async function isDesignated(q: Queryable, resourceId: string, personId: string): Promise<boolean> {
  return (await q.query('SELECT 1 FROM resource_approvers WHERE resource_id = $1 AND person_id = $2 AND removed_at IS NULL', [resourceId, personId])).length > 0;
}

/** Add, or put back, a designated approver. */
export async function upsertApprover(q: Queryable, resourceId: string, personId: string, at: Date, by: string | null): Promise<void> {
  await q.query(
    `INSERT INTO resource_approvers (resource_id, person_id, added_at, added_by) VALUES ($1, $2, $3, $4)
     ON CONFLICT (resource_id, person_id) DO UPDATE SET added_at = EXCLUDED.added_at, added_by = EXCLUDED.added_by, removed_at = NULL, removed_by = NULL`,
    [resourceId, personId, at, by],
  );
}

/** Returns false when the person was not a designated approver. */
export async function removeApprover(q: Queryable, resourceId: string, personId: string, at: Date, by: string | null): Promise<boolean> {
  const rows = await q.query(
    'UPDATE resource_approvers SET removed_at = $3, removed_by = $4 WHERE resource_id = $1 AND person_id = $2 AND removed_at IS NULL RETURNING person_id',
    [resourceId, personId, at, by],
  );
  return rows.length > 0;
}
