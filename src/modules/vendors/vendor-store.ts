/** @module vendors/vendor-store — SQL for vendors. */
import type { Queryable } from '../../db/database.ts';
import type { Contact, ListVendorsQuery, Vendor } from './vendor-types.ts';

type Raw = Record<string, unknown>;

/** The row plus a count of the people working for the vendor (one indexed subquery per row). */
const SELECT = `SELECT v.*, (SELECT count(*) FROM people p WHERE p.vendor_id = v.id AND p.status <> 'offboarded')::int8 AS developer_count
  FROM vendors v`;

function toVendor(r: Raw): Vendor {
  return {
    id: r.id as string,
    name: r.name as string,
    website: r.website as string | null,
    contacts: (typeof r.contacts === 'string' ? JSON.parse(r.contacts) : r.contacts) as Contact[],
    status: r.status as Vendor['status'],
    developerCount: r.developer_count as number,
    createdAt: r.created_at as Date,
    updatedAt: r.updated_at as Date,
  };
}

/**
 * True for PostgreSQL's unique_violation, which both PGlite and node-postgres report as `code`.
 * @example try { await insertVendor(tx, v); } catch (e) { if (isUniqueViolation(e)) throw new ConflictError('…'); throw e; }
 */
export function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === '23505';
}

export async function insertVendor(q: Queryable, v: Omit<Vendor, 'developerCount'>): Promise<void> {
  await q.query(
    `INSERT INTO vendors (id, name, website, contacts, status, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [v.id, v.name, v.website, JSON.stringify(v.contacts), v.status, v.createdAt, v.updatedAt],
  );
}

export async function updateVendorRow(q: Queryable, v: Vendor): Promise<void> {
  await q.query(
    'UPDATE vendors SET name = $2, website = $3, contacts = $4, status = $5, updated_at = $6 WHERE id = $1',
    [v.id, v.name, v.website, JSON.stringify(v.contacts), v.status, v.updatedAt],
  );
}

/**
 * The vendor with this id, or null. `lock` takes a row lock so that archiving and the checks
 * that need an active vendor (new engagements, activation) cannot interleave.
 */
export async function findVendorById(q: Queryable, id: string, lock: 'update' | 'share' | null = null): Promise<Vendor | null> {
  if (lock) await q.query(`SELECT 1 FROM vendors WHERE id = $1 FOR ${lock === 'update' ? 'UPDATE' : 'SHARE'}`, [id]);
  const [r] = await q.query<Raw>(`${SELECT} WHERE v.id = $1`, [id]);
  return r ? toVendor(r) : null;
}

/** By name, case-insensitively (names are unique regardless of case). */
export async function findVendorByName(q: Queryable, name: string): Promise<Vendor | null> {
  const [r] = await q.query<Raw>(`${SELECT} WHERE lower(v.name) = lower($1)`, [name]);
  return r ? toVendor(r) : null;
}

/** Whether another vendor already uses this name (case-insensitive). */
export async function nameTaken(q: Queryable, name: string, exceptId: string | null): Promise<boolean> {
  const rows = await q.query('SELECT 1 FROM vendors WHERE lower(name) = lower($1) AND ($2::uuid IS NULL OR id <> $2::uuid)', [name, exceptId]);
  return rows.length > 0;
}

/** Engagements of the vendor that are still running (active or suspended), oldest first. */
export async function runningEngagements(q: Queryable, vendorId: string): Promise<{ id: string; name: string; status: string }[]> {
  return q.query(
    "SELECT id, name, status FROM engagements WHERE vendor_id = $1 AND status IN ('active', 'suspended') ORDER BY id",
    [vendorId],
  );
}

export async function listVendors(q: Queryable, f: ListVendorsQuery, afterId: string | null): Promise<Vendor[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (clause: string, value: unknown) => {
    params.push(value);
    where.push(clause.replaceAll('?', `$${params.length}`));
  };
  if (f.status) add('v.status = ?', f.status);
  if (f.q) add('v.name ILIKE ?', `%${f.q.replace(/[%_\\]/g, '\\$&')}%`);
  if (afterId) add('v.id > ?', afterId);
  params.push(f.limit + 1);
  const rows = await q.query<Raw>(
    `${SELECT} ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY v.id LIMIT $${params.length}`,
    params,
  );
  return rows.map(toVendor);
}
