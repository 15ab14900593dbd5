/** @module policy/policy-store — SQL for the versioned policy sets (the highest version is in force). */
import type { Queryable } from '../../db/database.ts';

type Raw = Record<string, unknown>;

export interface PolicySetRow {
  version: number;
  text: string;
  sha256: string;
  policyIds: string[];
  comment: string | null;
  createdAt: Date;
  createdBy: string | null;
  createdByHandle: string | null;
}

const SELECT = `SELECT s.version, s.text, s.sha256, s.policy_ids, s.comment, s.created_at, s.created_by, p.handle AS created_by_handle
  FROM policy_sets s LEFT JOIN people p ON p.id = s.created_by`;

function toRow(r: Raw): PolicySetRow {
  return {
    version: r.version as number,
    text: r.text as string,
    sha256: r.sha256 as string,
    policyIds: (typeof r.policy_ids === 'string' ? JSON.parse(r.policy_ids) : r.policy_ids) as string[],
    comment: r.comment as string | null,
    createdAt: r.created_at as Date,
    createdBy: r.created_by as string | null,
    createdByHandle: r.created_by_handle as string | null,
  };
}

/** The set in force, or null while the built-in default is. */
export async function findActiveSet(q: Queryable): Promise<PolicySetRow | null> {
  const [r] = await q.query<Raw>(`${SELECT} ORDER BY s.version DESC LIMIT 1`);
  return r ? toRow(r) : null;
}

/** Only the version in force (0: the built-in default): cheap enough to ask before every use. */
export async function activeVersion(q: Queryable): Promise<number> {
  const [r] = await q.query<{ v: number }>('SELECT COALESCE(max(version), 0)::int8 AS v FROM policy_sets');
  return r?.v ?? 0;
}

export async function findVersion(q: Queryable, version: number): Promise<PolicySetRow | null> {
  const [r] = await q.query<Raw>(`${SELECT} WHERE s.version = $1`, [version]);
  return r ? toRow(r) : null;
}

/** Versions newest first, `limit + 1` rows, below `beforeVersion` when given. */
export async function listVersions(q: Queryable, beforeVersion: number | null, limit: number): Promise<PolicySetRow[]> {
  const rows = await q.query<Raw>(
    `${SELECT} WHERE ($1::int4 IS NULL OR s.version < $1::int4) ORDER BY s.version DESC LIMIT $2`,
    [beforeVersion, limit + 1],
  );
  return rows.map(toRow);
}

export async function insertSet(q: Queryable, row: Omit<PolicySetRow, 'createdByHandle'>): Promise<void> {
  await q.query(
    'INSERT INTO policy_sets (version, text, sha256, policy_ids, comment, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7)',
    [row.version, row.text, row.sha256, JSON.stringify(row.policyIds), row.comment, row.createdAt, row.createdBy],
  );
}
