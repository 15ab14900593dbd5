/** @module resources/resource-store — SQL for resources. */
import type { Queryable } from '../../db/database.ts';
import type { ListResourcesQuery, Resource } from './resource-types.ts';

type Raw = Record<string, unknown>;

const SELECT = 'SELECT r.*, p.handle AS owner_handle FROM resources r JOIN people p ON p.id = r.owner_id';

function toResource(r: Raw): Resource {
  return {
    id: r.id as string,
    name: r.name as string,
    kind: r.kind as Resource['kind'],
    environment: r.environment as Resource['environment'],
    sensitivity: r.sensitivity as Resource['sensitivity'],
    ownerId: r.owner_id as string,
    ownerHandle: r.owner_handle as string,
    labels: (typeof r.labels === 'string' ? JSON.parse(r.labels) : r.labels) as Record<string, string>,
    description: r.description as string | null,
    status: r.status as Resource['status'],
    createdAt: r.created_at as Date,
    updatedAt: r.updated_at as Date,
  };
}

export async function insertResource(q: Queryable, r: Omit<Resource, 'ownerHandle'>): Promise<void> {
  await q.query(
    `INSERT INTO resources (id, name, kind, environment, sensitivity, owner_id, labels, description, status, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
    [r.id, r.name, r.kind, r.environment, r.sensitivity, r.ownerId, JSON.stringify(r.labels), r.description, r.status, r.createdAt, r.updatedAt],
  );
}

/** Write every mutable column; name and kind never change. */
export async function updateResourceRow(q: Queryable, r: Resource): Promise<void> {
  await q.query(
    `UPDATE resources SET environment = $2, sensitivity = $3, owner_id = $4, labels = $5, description = $6, status = $7, updated_at = $8
     WHERE id = $1`,
    [r.id, r.environment, r.sensitivity, r.ownerId, JSON.stringify(r.labels), r.description, r.status, r.updatedAt],
  );
}

/** The resource, locked for update when `forUpdate` (so concurrent changes serialize). */
export async function findResourceById(q: Queryable, id: string, forUpdate = false): Promise<Resource | null> {
  const [r] = await q.query<Raw>(`${SELECT} WHERE r.id = $1${forUpdate ? ' FOR UPDATE OF r' : ''}`, [id]);
  return r ? toResource(r) : null;
}

export async function findResourceByName(q: Queryable, name: string, forUpdate = false): Promise<Resource | null> {
  const [r] = await q.query<Raw>(`${SELECT} WHERE r.name = $1${forUpdate ? ' FOR UPDATE OF r' : ''}`, [name]);
  return r ? toResource(r) : null;
}

export async function nameTaken(q: Queryable, name: string): Promise<boolean> {
  return (await q.query('SELECT 1 FROM resources WHERE name = $1', [name])).length > 0;
}

/** Resources matching the filters in id (creation) order, `limit + 1` rows for the next-page check. */
export async function listResources(q: Queryable, f: ListResourcesQuery, afterId: string | null): Promise<Resource[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  /** Append `clause` with each `$?` replaced by the next parameter number. */
  const add = (clause: string, ...values: unknown[]) => {
    for (const v of values) {
      params.push(v);
      clause = clause.replace('$?', `$${params.length}`);
    }
    where.push(clause);
  };
  if (f.kind) add('r.kind = $?', f.kind);
  if (f.environment) add('r.environment = $?', f.environment);
  if (f.sensitivity) add('r.sensitivity = $?', f.sensitivity);
  if (f.ownerId) add('r.owner_id = $?', f.ownerId);
  if (f.status) add('r.status = $?', f.status);
  for (const { key, value } of f.label ?? []) {
    // Containment (`@>`) for key=value; a bare key only needs to be present.
    if (value === null) add('(r.labels -> $?::text) IS NOT NULL', key);
    else add('r.labels @> $?::jsonb', JSON.stringify({ [key]: value }));
  }
  if (f.q) {
    const like = `%${f.q.replace(/[%_\\]/g, '\\$&')}%`;
    add('(r.name ILIKE $? OR r.description ILIKE $?)', like, like);
  }
  if (afterId) add('r.id > $?', afterId);
  params.push(f.limit + 1);
  const rows = await q.query<Raw>(
    `${SELECT} ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY r.id LIMIT $${params.length}`,
    params,
  );
  return rows.map(toResource);
}
