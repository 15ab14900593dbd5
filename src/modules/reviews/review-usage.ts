/**
 * @module reviews/review-usage — when a grant was last used, and whether it is dormant.
 *
 * "Use" of a grant is a successful audit event whose actor is the grant's developer and whose
 * target is the grant's resource, at or after the grant started, of a type that means touching the
 * resource: the gateways' and ingested `git.*`, `ssh.*`, `sftp.*`, `scp.*`, `file.*`, GitHub's
 * `github.git.*` (clone, fetch, push), and `resource.accessed`; or the grant's own `last_used_at`,
 * when a gateway sets it. A grant is dormant when it has run for at least the campaign's N days
 * and was not used during the last N days.
 */
import type { Queryable } from '../../db/database.ts';

/** SQL LIKE patterns of the event types that count as use (see the module comment). */
export const USE_EVENT_PATTERNS = ['git.%', 'ssh.%', 'sftp.%', 'scp.%', 'file.%', 'github.git.%', 'resource.accessed'] as const;

const DAY_MS = 86_400_000;

export interface GrantUse {
  grantId: string;
  personId: string;
  resourceId: string;
  startsAt: Date;
}

/**
 * The last use of each grant (null: never), by grant id. One query for the whole list.
 * @example const last = await lastUses(tx, items); last.get(grantId)
 */
export async function lastUses(q: Queryable, grants: GrantUse[]): Promise<Map<string, Date | null>> {
  if (grants.length === 0) return new Map();
  const rows = await q.query<{ id: string; last_used: Date | null }>(
    `SELECT g.id, GREATEST(g.last_used_at, (
        SELECT max(e.occurred_at) FROM audit_events e
        WHERE e.target_type = 'resource' AND e.target_id = g.resource_id::text AND e.actor_id = g.person_id
          AND e.outcome = 'success' AND e.occurred_at >= g.starts_at AND e.type LIKE ANY($2::text[])
      )) AS last_used
     FROM grants g WHERE g.id = ANY($1::uuid[])`,
    [grants.map((g) => g.grantId), [...USE_EVENT_PATTERNS]],
  );
  return new Map(rows.map((r) => [r.id, r.last_used]));
}

/**
 * Whether a grant that started at `startsAt` and was last used at `lastUsedAt` is dormant at `now`.
 * @example isDormant(new Date('2026-01-01'), null, new Date('2026-03-01'), 30) // true
 */
export function isDormant(startsAt: Date, lastUsedAt: Date | null, now: Date, days: number): boolean {
  const windowStart = now.getTime() - days * DAY_MS;
  if (startsAt.getTime() > windowStart) return false;
  return lastUsedAt === null || lastUsedAt.getTime() < windowStart;
}
