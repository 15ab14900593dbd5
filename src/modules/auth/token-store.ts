/** @module auth/token-store — SQL for API tokens (only their SHA-256 hashes are stored). */
import type { Queryable } from '../../db/database.ts';
import type { Role } from './actor.ts';

export interface TokenRow {
  id: string;
  personId: string;
  name: string;
  hint: string;
  scopes: string[];
  createdAt: Date;
  createdBy: string | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}

export interface TokenWithHolder extends TokenRow {
  tokenHash: string;
  holder: { handle: string; role: Role; status: string };
}

const COLUMNS = `t.id, t.person_id, t.name, t.hint, t.scopes, t.created_at, t.created_by, t.expires_at, t.revoked_at, t.last_used_at`;

type Raw = Record<string, unknown>;
function toRow(r: Raw): TokenRow {
  return {
    id: r.id as string,
    personId: r.person_id as string,
    name: r.name as string,
    hint: r.hint as string,
    scopes: r.scopes as string[],
    createdAt: r.created_at as Date,
    createdBy: r.created_by as string | null,
    expiresAt: r.expires_at as Date | null,
    revokedAt: r.revoked_at as Date | null,
    lastUsedAt: r.last_used_at as Date | null,
  };
}

export async function insertToken(q: Queryable, t: Omit<TokenRow, 'revokedAt' | 'lastUsedAt'> & { tokenHash: string }): Promise<void> {
  await q.query(
    `INSERT INTO api_tokens (id, person_id, name, token_hash, hint, scopes, created_at, created_by, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [t.id, t.personId, t.name, t.tokenHash, t.hint, JSON.stringify(t.scopes), t.createdAt, t.createdBy, t.expiresAt],
  );
}

/** The token with this hash and the person holding it, or null. */
export async function findTokenByHash(q: Queryable, tokenHash: string): Promise<TokenWithHolder | null> {
  const [r] = await q.query<Raw>(
    `SELECT ${COLUMNS}, t.token_hash, p.handle, p.role, p.status FROM api_tokens t JOIN people p ON p.id = t.person_id
     WHERE t.token_hash = $1`,
    [tokenHash],
  );
  if (!r) return null;
  return {
    ...toRow(r),
    tokenHash: r.token_hash as string,
    holder: { handle: r.handle as string, role: r.role as Role, status: r.status as string },
  };
}

export async function findTokenById(q: Queryable, id: string): Promise<TokenRow | null> {
  const [r] = await q.query<Raw>(`SELECT ${COLUMNS} FROM api_tokens t WHERE t.id = $1`, [id]);
  return r ? toRow(r) : null;
}

export async function listTokensOf(q: Queryable, personId: string): Promise<TokenRow[]> {
  const rows = await q.query<Raw>(`SELECT ${COLUMNS} FROM api_tokens t WHERE t.person_id = $1 ORDER BY t.id`, [personId]);
  return rows.map(toRow);
}

export async function markRevoked(q: Queryable, id: string, at: Date): Promise<void> {
  await q.query('UPDATE api_tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL', [id, at]);
}

/** Revoke every live token of a person (offboarding). Returns the ids revoked. */
export async function revokeAllOf(q: Queryable, personId: string, at: Date): Promise<string[]> {
  const rows = await q.query<{ id: string }>(
    'UPDATE api_tokens SET revoked_at = $2 WHERE person_id = $1 AND revoked_at IS NULL RETURNING id',
    [personId, at],
  );
  return rows.map((r) => r.id);
}

/** Record use at most once a minute per token, so reads do not turn into a write per request. */
export async function touchToken(q: Queryable, id: string, at: Date): Promise<void> {
  await q.query(
    `UPDATE api_tokens SET last_used_at = $2 WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < $2::timestamptz - interval '1 minute')`,
    [id, at],
  );
}

/** When the person's latest unrevoked grant on a git repository ends (null: none still running). Caps git tokens. */
export async function latestGitGrantEnd(q: Queryable, personId: string, now: Date): Promise<Date | null> {
  const [r] = await q.query<{ ends_at: Date | null }>(
    `SELECT max(g.ends_at) AS ends_at FROM grants g JOIN resources r ON r.id = g.resource_id
     WHERE g.person_id = $1 AND g.revoked_at IS NULL AND g.ends_at > $2 AND r.kind = 'git_repository'`,
    [personId, now],
  );
  return r?.ends_at ?? null;
}
