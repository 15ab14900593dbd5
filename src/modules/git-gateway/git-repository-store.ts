/** @module git-gateway/git-repository-store — SQL for how git repositories are served. */
import type { Queryable } from '../../db/database.ts';
import type { GitMode } from './git-repository-types.ts';

export interface GitRepositoryRow {
  resourceId: string;
  mode: GitMode;
  upstreamUrl: string | null;
  upstreamUsername: string | null;
  upstreamSecret: Uint8Array | null;
  createdAt: Date;
  updatedAt: Date;
}

type Raw = Record<string, unknown>;

const toRow = (r: Raw): GitRepositoryRow => ({
  resourceId: r.resource_id as string,
  mode: r.mode as GitMode,
  upstreamUrl: r.upstream_url as string | null,
  upstreamUsername: r.upstream_username as string | null,
  upstreamSecret: r.upstream_secret === null ? null : new Uint8Array(r.upstream_secret as Uint8Array),
  createdAt: r.created_at as Date,
  updatedAt: r.updated_at as Date,
});

export async function findGitRepository(q: Queryable, resourceId: string): Promise<GitRepositoryRow | null> {
  const [r] = await q.query<Raw>('SELECT * FROM git_repositories WHERE resource_id = $1', [resourceId]);
  return r ? toRow(r) : null;
}

/** Insert or replace the serving mode of a repository. */
export async function upsertGitRepository(q: Queryable, row: GitRepositoryRow, by: string | null): Promise<void> {
  await q.query(
    `INSERT INTO git_repositories (resource_id, mode, upstream_url, upstream_username, upstream_secret, created_at, updated_at, updated_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (resource_id) DO UPDATE SET mode = $2, upstream_url = $3, upstream_username = $4, upstream_secret = $5, updated_at = $7, updated_by = $8`,
    [row.resourceId, row.mode, row.upstreamUrl, row.upstreamUsername, row.upstreamSecret === null ? null : Buffer.from(row.upstreamSecret), row.createdAt, row.updatedAt, by],
  );
}

/** A repository resource by exact name with its serving row (if any), in one query: the gateway's hot path. */
export async function findServedRepository(q: Queryable, name: string): Promise<{ id: string; name: string; kind: string; status: string; row: GitRepositoryRow | null } | null> {
  const [r] = await q.query<Raw>(
    `SELECT r.id, r.name, r.kind, r.status, g.resource_id, g.mode, g.upstream_url, g.upstream_username, g.upstream_secret, g.created_at, g.updated_at
     FROM resources r LEFT JOIN git_repositories g ON g.resource_id = r.id WHERE r.name = $1`,
    [name],
  );
  if (!r) return null;
  return { id: r.id as string, name: r.name as string, kind: r.kind as string, status: r.status as string, row: r.resource_id === null ? null : toRow(r) };
}
