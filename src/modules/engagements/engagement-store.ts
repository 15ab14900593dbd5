/** @module engagements/engagement-store — SQL for engagements, the developers on them and their signed documents. */
import type { Queryable } from '../../db/database.ts';
import { documentKindOf, type ContractTerm, type SignedTerm } from './engagement-fns.ts';
import type { Engagement, EngagementDocument, ListEngagementsQuery } from './engagement-types.ts';

type Raw = Record<string, unknown>;

/**
 * `documentUploaded` of a term: a stored document whose hash is the term's current hash.
 * `kind` and `column` are constants of this file, never request input.
 */
const uploaded = (kind: string, column: string) =>
  `EXISTS (SELECT 1 FROM engagement_documents d WHERE d.engagement_id = e.id AND d.kind = '${kind}' AND d.sha256 = e.${column}->>'sha256') AS ${column}_uploaded`;

const SELECT = `SELECT e.*, ${uploaded('nda', 'nda')}, ${uploaded('dpa', 'dpa')}, ${uploaded('ip_ownership', 'ip_ownership')},
  COALESCE((SELECT json_agg(json_build_object('id', p.id, 'handle', p.handle, 'duty', ed.duty) ORDER BY ed.added_at, p.handle)
    FROM engagement_developers ed JOIN people p ON p.id = ed.person_id WHERE ed.engagement_id = e.id), '[]') AS developers
  FROM engagements e`;

const json = <T>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T;

function termOf(r: Raw, column: string): Engagement['contract']['nda'] {
  const t = json<SignedTerm | null>(r[column]);
  return t ? { sha256: t.sha256, signer: t.signer, signedAt: t.signedAt, documentUploaded: r[`${column}_uploaded`] === true } : null;
}

function toEngagement(r: Raw): Engagement {
  return {
    id: r.id as string,
    name: r.name as string,
    vendorId: r.vendor_id as string | null,
    status: r.status as Engagement['status'],
    startDate: r.start_date as string,
    endDate: r.end_date as string,
    touchesPersonalData: r.touches_personal_data as boolean,
    description: r.description as string | null,
    contract: {
      nda: termOf(r, 'nda'),
      dpa: termOf(r, 'dpa'),
      ipOwnership: termOf(r, 'ip_ownership'),
      permittedTools: json<string[]>(r.permitted_tools),
      storageLocations: json<string[]>(r.storage_locations),
      incidentResponseHours: r.incident_response_hours as number | null,
    },
    developers: json<Engagement['developers']>(r.developers),
    createdAt: r.created_at as Date,
    updatedAt: r.updated_at as Date,
  };
}

/** A term as stored (jsonb), without the derived `documentUploaded`; SQL NULL when unsigned. */
const storedTerm = (t: Engagement['contract']['nda']) => (t ? JSON.stringify({ sha256: t.sha256, signer: t.signer, signedAt: t.signedAt }) : null);

export async function insertEngagement(q: Queryable, e: Engagement): Promise<void> {
  await q.query(
    `INSERT INTO engagements (id, name, vendor_id, status, start_date, end_date, touches_personal_data, description, nda, dpa, ip_ownership,
       permitted_tools, storage_locations, incident_response_hours, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
    [
      e.id, e.name, e.vendorId, e.status, e.startDate, e.endDate, e.touchesPersonalData, e.description,
      storedTerm(e.contract.nda), storedTerm(e.contract.dpa), storedTerm(e.contract.ipOwnership),
      JSON.stringify(e.contract.permittedTools), JSON.stringify(e.contract.storageLocations), e.contract.incidentResponseHours,
      e.createdAt, e.updatedAt,
    ],
  );
}

/** Write every mutable column of the engagement row. */
export async function updateEngagementRow(q: Queryable, e: Engagement): Promise<void> {
  await q.query(
    `UPDATE engagements SET name = $2, vendor_id = $3, status = $4, start_date = $5, end_date = $6, touches_personal_data = $7,
       description = $8, nda = $9, dpa = $10, ip_ownership = $11, permitted_tools = $12, storage_locations = $13,
       incident_response_hours = $14, updated_at = $15
     WHERE id = $1`,
    [
      e.id, e.name, e.vendorId, e.status, e.startDate, e.endDate, e.touchesPersonalData, e.description,
      storedTerm(e.contract.nda), storedTerm(e.contract.dpa), storedTerm(e.contract.ipOwnership),
      JSON.stringify(e.contract.permittedTools), JSON.stringify(e.contract.storageLocations), e.contract.incidentResponseHours,
      e.updatedAt,
    ],
  );
}

/**
 * The engagement with this id, or null. With `forUpdate`, the row stays locked until the
 * transaction ends, so concurrent changes to one engagement run one after the other.
 */
export async function findEngagementById(q: Queryable, id: string, forUpdate = false): Promise<Engagement | null> {
  if (forUpdate) await q.query('SELECT 1 FROM engagements WHERE id = $1 FOR UPDATE', [id]);
  const [r] = await q.query<Raw>(`${SELECT} WHERE e.id = $1`, [id]);
  return r ? toEngagement(r) : null;
}

export async function isDeveloperOn(q: Queryable, engagementId: string, personId: string): Promise<boolean> {
  const rows = await q.query('SELECT 1 FROM engagement_developers WHERE engagement_id = $1 AND person_id = $2', [engagementId, personId]);
  return rows.length > 0;
}

export async function addDeveloper(q: Queryable, engagementId: string, personId: string, at: Date, duty: string | null = null): Promise<void> {
  await q.query('INSERT INTO engagement_developers (engagement_id, person_id, added_at, duty) VALUES ($1, $2, $3, $4)', [engagementId, personId, at, duty]);
}

/** A developer's duty on the engagement (the row exists: the caller checked). */
export async function setDeveloperDuty(q: Queryable, engagementId: string, personId: string, duty: string | null): Promise<void> {
  await q.query('UPDATE engagement_developers SET duty = $3 WHERE engagement_id = $1 AND person_id = $2', [engagementId, personId, duty]);
}

/** Returns false when the person was not on the engagement. */
export async function removeDeveloper(q: Queryable, engagementId: string, personId: string): Promise<boolean> {
  const rows = await q.query('DELETE FROM engagement_developers WHERE engagement_id = $1 AND person_id = $2 RETURNING person_id', [engagementId, personId]);
  return rows.length > 0;
}

export interface Candidate {
  id: string;
  handle: string;
  kind: string;
  status: string;
  vendorId: string | null;
}

/** The people with these ids, share-locked so that their kind, status and vendor hold until we commit. */
export async function findCandidates(q: Queryable, ids: string[]): Promise<Candidate[]> {
  if (ids.length === 0) return [];
  const rows = await q.query<Raw>('SELECT id, handle, kind, status, vendor_id FROM people WHERE id = ANY($1::uuid[]) ORDER BY id FOR SHARE', [ids]);
  return rows.map((r) => ({ id: r.id as string, handle: r.handle as string, kind: r.kind as string, status: r.status as string, vendorId: r.vendor_id as string | null }));
}

/**
 * Engagements matching the filters, id order, `limit + 1` rows. `visibleTo` restricts the
 * result to engagements that person is on (developers see only their own).
 */
export async function listEngagements(q: Queryable, f: ListEngagementsQuery, afterId: string | null, visibleTo: string | null): Promise<Engagement[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (clause: string, value: unknown) => {
    params.push(value);
    where.push(clause.replaceAll('?', `$${params.length}`));
  };
  const onEngagement = 'EXISTS (SELECT 1 FROM engagement_developers x WHERE x.engagement_id = e.id AND x.person_id = ?)';
  if (visibleTo) add(onEngagement, visibleTo);
  if (f.developerId) add(onEngagement, f.developerId);
  if (f.status) add('e.status = ?', f.status);
  if (f.vendorId) add('e.vendor_id = ?', f.vendorId);
  if (f.q) add('e.name ILIKE ?', `%${f.q.replace(/[%_\\]/g, '\\$&')}%`);
  if (afterId) add('e.id > ?', afterId);
  params.push(f.limit + 1);
  const rows = await q.query<Raw>(`${SELECT} ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY e.id LIMIT $${params.length}`, params);
  return rows.map(toEngagement);
}

function toDocument(term: ContractTerm, r: Raw): EngagementDocument {
  return {
    term,
    sha256: r.sha256 as string,
    size: r.size as number,
    contentType: r.content_type as string,
    uploadedAt: r.uploaded_at as Date,
    uploadedBy: r.uploaded_by as string | null,
  };
}

/** The stored document of a term with this hash, without its bytes. */
export async function findDocument(q: Queryable, engagementId: string, term: ContractTerm, sha256: string): Promise<EngagementDocument | null> {
  const [r] = await q.query<Raw>(
    'SELECT sha256, size, content_type, uploaded_at, uploaded_by FROM engagement_documents WHERE engagement_id = $1 AND kind = $2 AND sha256 = $3',
    [engagementId, documentKindOf(term), sha256],
  );
  return r ? toDocument(term, r) : null;
}

/** The bytes of a stored document; PGlite returns a Uint8Array and node-postgres a Buffer, so both become a Buffer. */
export async function readDocumentContent(q: Queryable, engagementId: string, term: ContractTerm, sha256: string): Promise<Buffer | null> {
  const [r] = await q.query<{ content: Uint8Array }>(
    'SELECT content FROM engagement_documents WHERE engagement_id = $1 AND kind = $2 AND sha256 = $3',
    [engagementId, documentKindOf(term), sha256],
  );
  return r ? Buffer.from(r.content.buffer, r.content.byteOffset, r.content.byteLength) : null;
}

export async function insertDocument(q: Queryable, engagementId: string, doc: EngagementDocument, content: Buffer): Promise<void> {
  await q.query(
    `INSERT INTO engagement_documents (engagement_id, kind, sha256, content_type, size, content, uploaded_at, uploaded_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [engagementId, documentKindOf(doc.term), doc.sha256, doc.contentType, doc.size, content, doc.uploadedAt, doc.uploadedBy],
  );
}
