/** @module audit/tlog-store — SQL for the log: tree size, tree hashes, leaf assignment, checkpoints, signing key. */
import type { Queryable } from '../../db/database.ts';
import type { NodeId } from './tlog/index.ts';
import { LEAF_INDEX, toEvent, type DbRow } from './audit-store.ts';
import type { AuditEvent } from './audit-types.ts';

/** A tree node with its hash, as stored in tlog_nodes; a leaf also names its event's seq. */
export interface StoredNode extends NodeId {
  hash: Uint8Array;
  seq?: number | undefined;
}

/** A signed checkpoint as stored. */
export interface StoredCheckpoint {
  size: number;
  rootHash: Uint8Array;
  note: string;
  createdAt: Date;
}

/** The sealed log key as stored. */
export interface StoredSigningKey {
  name: string;
  verifierKey: string;
  sealedSigner: Uint8Array;
  masterKeyId: string;
  createdAt: Date;
}

const hex = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');

/** Number of integrated leaves, locking the state row: integration and signing run one at a time. */
export async function lockTreeSize(tx: Queryable): Promise<number> {
  const [row] = await tx.query<{ size: number }>('SELECT size FROM tlog_state WHERE id = 1 FOR UPDATE');
  if (!row) throw new Error('tlog_state has no row: migration 0002 did not run');
  return row.size;
}

/** Number of integrated leaves (no lock). */
export async function readTreeSize(q: Queryable): Promise<number> {
  const [row] = await q.query<{ size: number }>('SELECT size FROM tlog_state WHERE id = 1');
  return row?.size ?? 0;
}

export async function setTreeSize(tx: Queryable, size: number): Promise<void> {
  await tx.query('UPDATE tlog_state SET size = $1 WHERE id = 1', [size]);
}

/**
 * Events not yet in the log, in outbox order. `seq` order is not commit order: a transaction that
 * took a lower seq may commit after a higher one. The queue (tlog_pending, filled by a trigger in
 * the event's own transaction) holds whatever has committed and is not yet integrated, so such a
 * late event is simply picked up by a later batch — never "after the last seq".
 */
export async function pendingEvents(tx: Queryable, limit: number): Promise<AuditEvent[]> {
  // The seqs first, then the events by primary key. As a join, the planner picked a merge join that
  // walked audit_events' primary key from the first event ever: every batch read the whole
  // integrated log again (8 ms at 22,000 events, growing without bound; 60% of the sequencer's
  // database time in a 20-second benchmark). This reads only the batch.
  const rows = await tx.query<DbRow>(
    'SELECT e.*, NULL::int8 AS leaf_index FROM audit_events e WHERE e.seq = ANY(ARRAY(SELECT seq FROM tlog_pending ORDER BY seq LIMIT $1)) ORDER BY e.seq',
    [limit],
  );
  return rows.map(toEvent);
}

/** Take integrated events off the queue (a trigger refuses any that has no leaf yet). */
export async function dequeue(tx: Queryable, seqs: number[]): Promise<void> {
  await tx.query('DELETE FROM tlog_pending WHERE seq = ANY($1::int8[])', [seqs]);
}

/** Number of events waiting for the sequencer. */
export async function countPending(q: Queryable): Promise<number> {
  const [row] = await q.query<{ n: number }>('SELECT count(*)::int8 AS n FROM tlog_pending');
  return row?.n ?? 0;
}

/**
 * Insert tree nodes in one statement (hashes as hex and seqs as decimal text: both drivers pass
 * text[] with NULLs the same way). Leaves must carry the seq of their event.
 */
export async function insertNodes(tx: Queryable, nodes: StoredNode[]): Promise<void> {
  if (nodes.length === 0) return;
  await tx.query(
    `INSERT INTO tlog_nodes (level, idx, hash, seq)
     SELECT l, i, decode(h, 'hex'), s::int8 FROM unnest($1::int2[], $2::int8[], $3::text[], $4::text[]) AS v(l, i, h, s)`,
    [nodes.map((n) => n.level), nodes.map((n) => n.index), nodes.map((n) => hex(n.hash)), nodes.map((n) => (n.seq === undefined ? null : String(n.seq)))],
  );
}

/** The stored hashes of `ids` (duplicates allowed), keyed `level/index`; missing nodes are absent. */
export async function readNodes(q: Queryable, ids: readonly NodeId[]): Promise<Map<string, Uint8Array>> {
  const out = new Map<string, Uint8Array>();
  if (ids.length === 0) return out;
  const rows = await q.query<{ level: number; idx: number; hash: Uint8Array }>(
    `SELECT n.level, n.idx, n.hash FROM unnest($1::int2[], $2::int8[]) AS k(level, idx)
     JOIN tlog_nodes n ON n.level = k.level AND n.idx = k.idx`,
    [ids.map((n) => n.level), ids.map((n) => n.index)],
  );
  for (const r of rows) out.set(`${r.level}/${r.idx}`, r.hash);
  return out;
}

/** Leaf hashes `[from, to)` in index order. */
export async function readLeafHashes(q: Queryable, from: number, to: number): Promise<Uint8Array[]> {
  const rows = await q.query<{ hash: Uint8Array }>('SELECT hash FROM tlog_nodes WHERE level = 0 AND idx >= $1 AND idx < $2 ORDER BY idx', [from, to]);
  return rows.map((r) => r.hash);
}

/** Integrated events with leaf index in `[from, to)`, in index order, at most `limit`. */
export async function eventsByLeaf(q: Queryable, from: number, to: number, limit: number): Promise<AuditEvent[]> {
  const rows = await q.query<DbRow>(
    'SELECT * FROM audit_log_entries WHERE leaf_index >= $1 AND leaf_index < $2 ORDER BY leaf_index LIMIT $3',
    [from, to, limit],
  );
  return rows.map(toEvent);
}

export async function eventById(q: Queryable, id: string): Promise<AuditEvent | null> {
  const [row] = await q.query<DbRow>(`SELECT e.*, ${LEAF_INDEX} FROM audit_events e WHERE e.id = $1`, [id]);
  return row ? toEvent(row) : null;
}

const CHECKPOINT_COLUMNS = 'size, root, note, created_at';
type CheckpointRow = { size: number; root: Uint8Array; note: string; created_at: Date };
const toCheckpoint = (r: CheckpointRow): StoredCheckpoint => ({ size: r.size, rootHash: r.root, note: r.note, createdAt: r.created_at });

export async function latestCheckpoint(q: Queryable): Promise<StoredCheckpoint | null> {
  const [row] = await q.query<CheckpointRow>(`SELECT ${CHECKPOINT_COLUMNS} FROM tlog_checkpoints ORDER BY size DESC LIMIT 1`);
  return row ? toCheckpoint(row) : null;
}

/** The checkpoint of exactly `size` leaves. */
export async function checkpointAt(q: Queryable, size: number): Promise<StoredCheckpoint | null> {
  const [row] = await q.query<CheckpointRow>(`SELECT ${CHECKPOINT_COLUMNS} FROM tlog_checkpoints WHERE size = $1`, [size]);
  return row ? toCheckpoint(row) : null;
}

/** The largest checkpoint of at most `size` leaves. */
export async function checkpointAtMost(q: Queryable, size: number): Promise<StoredCheckpoint | null> {
  const [row] = await q.query<CheckpointRow>(`SELECT ${CHECKPOINT_COLUMNS} FROM tlog_checkpoints WHERE size <= $1 ORDER BY size DESC LIMIT 1`, [size]);
  return row ? toCheckpoint(row) : null;
}

export async function insertCheckpoint(tx: Queryable, c: StoredCheckpoint): Promise<void> {
  await tx.query('INSERT INTO tlog_checkpoints (size, root, note, created_at) VALUES ($1, decode($2, \'hex\'), $3, $4)', [
    c.size, hex(c.rootHash), c.note, c.createdAt,
  ]);
}

export async function readSigningKey(q: Queryable): Promise<StoredSigningKey | null> {
  const [row] = await q.query<{ name: string; verifier_key: string; sealed_signer: Uint8Array; master_key_id: string; created_at: Date }>(
    'SELECT name, verifier_key, sealed_signer, master_key_id, created_at FROM tlog_signing_key WHERE id = 1',
  );
  return row
    ? { name: row.name, verifierKey: row.verifier_key, sealedSigner: row.sealed_signer, masterKeyId: row.master_key_id, createdAt: row.created_at }
    : null;
}

export async function insertSigningKey(tx: Queryable, k: StoredSigningKey): Promise<void> {
  await tx.query(
    "INSERT INTO tlog_signing_key (id, name, verifier_key, sealed_signer, master_key_id, created_at) VALUES (1, $1, $2, decode($3, 'hex'), $4, $5)",
    [k.name, k.verifierKey, hex(k.sealedSigner), k.masterKeyId, k.createdAt],
  );
}
