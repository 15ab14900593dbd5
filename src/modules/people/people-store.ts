/** @module people/people-store — SQL for people and their SSH keys. */
import type { Queryable } from '../../db/database.ts';
import type { SshPublicKey, WorkingHours } from './people-fns.ts';
import type { ListPeopleQuery, Person } from './people-types.ts';

type Raw = Record<string, unknown>;

const SELECT = `SELECT p.*, COALESCE((SELECT json_agg(json_build_object('fingerprint', k.fingerprint, 'keyType', k.key_type,
  'publicKey', k.public_key, 'comment', k.comment) ORDER BY k.added_at, k.fingerprint) FROM person_ssh_keys k WHERE k.person_id = p.id), '[]') AS keys
  FROM people p`;

function toPerson(r: Raw): Person {
  return {
    id: r.id as string,
    handle: r.handle as string,
    name: r.name as string,
    email: r.email as string,
    kind: r.kind as Person['kind'],
    role: r.role as Person['role'],
    vendorId: r.vendor_id as string | null,
    timeZone: r.time_zone as string,
    workingHours: r.working_hours as WorkingHours,
    sshPublicKeys: (typeof r.keys === 'string' ? JSON.parse(r.keys) : r.keys) as SshPublicKey[],
    ageRecipient: r.age_recipient as string | null,
    status: r.status as Person['status'],
    createdAt: r.created_at as Date,
    updatedAt: r.updated_at as Date,
  };
}

export async function insertPerson(q: Queryable, p: Omit<Person, 'sshPublicKeys'>): Promise<void> {
  await q.query(
    `INSERT INTO people (id, handle, name, email, kind, role, vendor_id, time_zone, working_hours, age_recipient, status, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
    [p.id, p.handle, p.name, p.email, p.kind, p.role, p.vendorId, p.timeZone, JSON.stringify(p.workingHours), p.ageRecipient, p.status, p.createdAt, p.updatedAt],
  );
}

export async function updatePersonRow(q: Queryable, p: Person): Promise<void> {
  await q.query(
    `UPDATE people SET name = $2, email = $3, role = $4, vendor_id = $5, time_zone = $6, working_hours = $7,
       age_recipient = $8, status = $9, updated_at = $10 WHERE id = $1`,
    [p.id, p.name, p.email, p.role, p.vendorId, p.timeZone, JSON.stringify(p.workingHours), p.ageRecipient, p.status, p.updatedAt],
  );
}

/** Replace a person's SSH keys with `keys`. */
export async function replaceSshKeys(q: Queryable, personId: string, keys: SshPublicKey[], at: Date): Promise<void> {
  await q.query('DELETE FROM person_ssh_keys WHERE person_id = $1', [personId]);
  for (const k of keys) {
    await q.query(
      'INSERT INTO person_ssh_keys (fingerprint, person_id, public_key, key_type, comment, added_at) VALUES ($1, $2, $3, $4, $5, $6)',
      [k.fingerprint, personId, k.publicKey, k.keyType, k.comment, at],
    );
  }
}

/** Owners of the given fingerprints other than `exceptPersonId`. */
export async function findKeyOwners(q: Queryable, fingerprints: string[], exceptPersonId: string | null): Promise<{ fingerprint: string; handle: string }[]> {
  if (fingerprints.length === 0) return [];
  return q.query(
    `SELECT k.fingerprint, p.handle FROM person_ssh_keys k JOIN people p ON p.id = k.person_id
     WHERE k.fingerprint = ANY($1::text[]) AND ($2::uuid IS NULL OR k.person_id <> $2::uuid)`,
    [fingerprints, exceptPersonId],
  );
}

export async function findPersonById(q: Queryable, id: string): Promise<Person | null> {
  const [r] = await q.query<Raw>(`${SELECT} WHERE p.id = $1`, [id]);
  return r ? toPerson(r) : null;
}

export async function findPersonByHandle(q: Queryable, handle: string): Promise<Person | null> {
  const [r] = await q.query<Raw>(`${SELECT} WHERE p.handle = $1`, [handle]);
  return r ? toPerson(r) : null;
}

/** Whether a handle or email is taken (case-insensitive email). */
export async function findClash(q: Queryable, handle: string | null, email: string | null, exceptId: string | null): Promise<'handle' | 'email' | null> {
  const rows = await q.query<{ handle: string; email: string }>(
    `SELECT handle, email FROM people WHERE (handle = $1 OR lower(email) = lower($2)) AND ($3::uuid IS NULL OR id <> $3::uuid)`,
    [handle, email, exceptId],
  );
  if (rows.some((r) => handle !== null && r.handle === handle)) return 'handle';
  return rows.length > 0 ? 'email' : null;
}

export async function countActiveAdmins(q: Queryable): Promise<number> {
  const [r] = await q.query<{ n: number }>("SELECT count(*)::int8 AS n FROM people WHERE role = 'admin' AND status = 'active'");
  return r?.n ?? 0;
}

export async function listPeople(q: Queryable, f: ListPeopleQuery, afterId: string | null): Promise<Person[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (clause: string, value: unknown) => {
    params.push(value);
    where.push(clause.replaceAll('?', `$${params.length}`));
  };
  if (f.kind) add('p.kind = ?', f.kind);
  if (f.role) add('p.role = ?', f.role);
  if (f.status) add('p.status = ?', f.status);
  if (f.vendorId) add('p.vendor_id = ?', f.vendorId);
  if (f.q) add("(p.handle ILIKE ? OR p.name ILIKE ? OR p.email ILIKE ?)", `%${f.q.replace(/[%_\\]/g, '\\$&')}%`);
  if (afterId) add('p.id > ?', afterId);
  params.push(f.limit + 1);
  const rows = await q.query<Raw>(
    `${SELECT} ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY p.id LIMIT $${params.length}`,
    params,
  );
  return rows.map(toPerson);
}
