/**
 * The sequencer on a real database (PGlite, or PostgreSQL with DATABASE_URL): gap-free leaf indexes
 * in outbox order, late commits never skipped, the stored tree equal to an in-memory reference,
 * checkpoints that always extend the last, and refusal to sign over a damaged tree.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../core/clock.ts';
import { newId } from '../../core/ids.ts';
import { openPostgres } from '../../db/postgres.ts';
import { createTestDatabase, type TestDatabase } from '../../db/test-db.ts';
import { systemActor } from '../auth/actor.ts';
import { createAuditService, type AuditService } from './audit-service.ts';
import { consistencyProofFromStore, inclusionProofFromStore, rootFromStore } from './db-tree.ts';
import { entryOf } from './log-entry.ts';
import { createLogKeys } from './log-keys.ts';
import { appendLeaves, createSequencer, type Sequencer } from './sequencer.ts';
import { LEAF_INDEX } from './audit-store.ts';
import { eventsByLeaf, latestCheckpoint, readLeafHashes } from './tlog-store.ts';
import {
  encodeEntry, hashLeaf, inclusionProof, MemoryTree, perfectSubtrees, openCheckpoint, parseVerifierKey, verifyConsistency, verifyInclusion,
} from './tlog/index.ts';

const clock = fixedClock(new Date('2026-04-01T08:00:00Z'));
let t: TestDatabase;
let audit: AuditService;
let seq: Sequencer;

beforeAll(async () => {
  t = await createTestDatabase();
  audit = createAuditService({ db: t.db, clock });
  const keys = createLogKeys({ db: t.db, clock, masterKey: randomBytes(32), origin: 'palisade.test/audit' });
  seq = createSequencer({ db: t.db, clock, keys, batchSize: 7 });
});
afterAll(() => t.drop());

/** Record `n` events, each in its own transaction; returns their ids in commit order. */
async function record(n: number, type = 'test.recorded'): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    clock.advance(1);
    ids.push(await t.db.transaction((tx) => audit.record(tx, systemActor, { type, outcome: 'success', details: { i, note: 'ünïcode ✓' } })));
  }
  return ids;
}

/** The whole log as stored, rebuilt into an in-memory reference tree from the events themselves. */
async function referenceTree() {
  const [{ size }] = (await t.db.query<{ size: number }>('SELECT size FROM tlog_state')) as [{ size: number }];
  const events = await eventsByLeaf(t.db, 0, size, size + 1);
  const tree = new MemoryTree();
  for (const e of events) tree.append(hashLeaf(encodeEntry(entryOf(e, e.leafIndex!))));
  return { size, events, tree };
}

describe('the sequencer', () => {
  it('gives every event the next leaf index in outbox order, in batches, with nothing skipped', async () => {
    const ids = await record(30);
    expect(await seq.integrate()).toBe(ids.length);
    const rows = await t.db.query<{ leaf_index: number; seq: number }>(`SELECT e.seq, ${LEAF_INDEX} FROM audit_events e ORDER BY e.seq`);
    expect(rows.map((r) => r.leaf_index)).toEqual(rows.map((_, i) => i));
    expect(await seq.integrate()).toBe(0);
  });

  it('stores exactly the tree an in-memory reference builds from the events, with the same proofs', async () => {
    await record(11);
    await seq.integrate();
    const { size, tree } = await referenceTree();
    expect(Buffer.from(await rootFromStore(t.db, size))).toEqual(Buffer.from(tree.root()));
    expect((await readLeafHashes(t.db, 0, size)).map((h) => Buffer.from(h).toString('hex'))).toEqual(
      Array.from({ length: size }, (_, i) => Buffer.from(tree.leafHash(i)).toString('hex')),
    );
    for (const n of [1, 2, 3, 7, 8, 9, size - 1, size]) {
      for (const i of [0, Math.floor(n / 2), n - 1]) {
        const fromDb = await inclusionProofFromStore(t.db, i, n);
        expect(fromDb.map((h) => Buffer.from(h).toString('hex')), `leaf ${i} of ${n}`).toEqual(inclusionProof(tree, i, n).map((h) => Buffer.from(h).toString('hex')));
        expect(verifyInclusion(i, n, tree.leafHash(i), fromDb, tree.root(n))).toBe(true);
      }
      const proof = await consistencyProofFromStore(t.db, n, size);
      expect(verifyConsistency(n, size, proof, tree.root(n), tree.root(size))).toBe(true);
    }
  });

  it('integrates an event whose transaction took a lower seq but committed later', async () => {
    await record(3);
    await seq.integrate();
    // A transaction that took its seq earlier and commits only now: a seq below integrated ones.
    const [{ low }] = (await t.db.query<{ low: number }>('SELECT min(seq) - 1 AS low FROM audit_events')) as [{ low: number }];
    const late = newId();
    await t.db.query(
      "INSERT INTO audit_events (seq, id, occurred_at, type, outcome) VALUES ($1, $2, $3, 'test.late', 'success')",
      [low, late, clock.now()],
    );
    await seq.integrate();
    const [row] = await t.db.query<{ leaf_index: number }>(`SELECT ${LEAF_INDEX} FROM audit_events e WHERE e.id = $1`, [late]);
    const { size } = await referenceTree();
    expect(row!.leaf_index).toBe(size - 1);
  });

  it.skipIf(!process.env.DATABASE_URL)('never skips a concurrent transaction that commits after a higher seq was integrated', async () => {
    const other = await openPostgres(t.url!, 2);
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let slowId = '';
    const slow = other.transaction(async (tx) => {
      slowId = await audit.record(tx, systemActor, { type: 'test.slow', outcome: 'success' });
      await held;
    });
    await new Promise((r) => setTimeout(r, 100));
    const [fast] = await record(1, 'test.fast');
    await seq.integrate();
    release();
    await slow;
    await seq.integrate();
    const rows = await t.db.query<{ id: string; seq: number; leaf_index: number }>(`SELECT e.id, e.seq, ${LEAF_INDEX} FROM audit_events e WHERE e.id = ANY($1::uuid[])`, [[slowId, fast]]);
    const bySeq = [...rows].sort((a, b) => a.seq - b.seq);
    expect(bySeq.map((r) => r.id)).toEqual([slowId, fast]);
    expect(bySeq[0]!.leaf_index).toBe(bySeq[1]!.leaf_index + 1);
    await other.close();
  });

  it('signs a checkpoint only when the tree grew, each extending the last', async () => {
    const keys = createLogKeys({ db: t.db, clock, masterKey: randomBytes(32), origin: 'ignored' });
    await record(2);
    const first = (await seq.runOnce()).checkpoint!;
    expect(first).not.toBeNull();
    expect((await seq.runOnce()).checkpoint).toBeNull();
    await record(5);
    const second = (await seq.runOnce()).checkpoint!;
    const key = parseVerifierKey((await seq.open()).verifierKey);
    const a = openCheckpoint(first.note, key);
    const b = openCheckpoint(second.note, key);
    expect([a.origin, b.origin]).toEqual(['palisade.test/audit', 'palisade.test/audit']);
    expect(b.size).toBe(a.size + 5);
    expect(verifyConsistency(a.size, b.size, await consistencyProofFromStore(t.db, a.size, b.size), a.rootHash, b.rootHash)).toBe(true);
    expect((await latestCheckpoint(t.db))!.size).toBe(b.size);
    // Another master key cannot open this log's key: that is the point of sealing it.
    await expect(keys.open()).rejects.toThrow(/cannot open the audit log's signing key/);
  });

  it('refuses to sign over a tree whose stored hashes no longer give the signed root', async () => {
    await record(1);
    await seq.runOnce();
    await record(1);
    await seq.integrate();
    const before = (await latestCheckpoint(t.db))!.size;
    // An attacker with the database owner's rights switches the guard off and rewrites the tree.
    await t.db.query('ALTER TABLE tlog_nodes DISABLE TRIGGER tlog_nodes_guard');
    await t.db.query('UPDATE tlog_nodes SET hash = sha256(hash)');
    await t.db.query('ALTER TABLE tlog_nodes ENABLE TRIGGER tlog_nodes_guard');
    await expect(seq.signCheckpoint()).rejects.toThrow(/no longer has the signed root/);
    expect((await latestCheckpoint(t.db))!.size).toBe(before);
  });
});

describe('the database guards (defence in depth)', () => {
  it('refuse to change or remove an event, a tree hash or a checkpoint, or to drop a pending event', async () => {
    await expect(t.db.query("UPDATE audit_events SET type = 'forged' WHERE seq = (SELECT min(seq) FROM audit_events)")).rejects.toThrow(/audit_events is append-only/);
    await expect(t.db.query('DELETE FROM audit_events WHERE seq = (SELECT max(seq) FROM audit_events)')).rejects.toThrow(/append-only/);
    await expect(t.db.query('TRUNCATE audit_events CASCADE')).rejects.toThrow(/append-only/);
    await expect(t.db.query('DELETE FROM tlog_nodes WHERE level = 0 AND idx = 0')).rejects.toThrow(/append-only/);
    await expect(t.db.query('DELETE FROM tlog_checkpoints')).rejects.toThrow(/append-only/);
    await expect(t.db.query('UPDATE tlog_state SET size = 0')).rejects.toThrow(/only grows/);
    // An event waiting for the sequencer can neither change nor be taken off its queue.
    await record(1, 'test.waiting');
    await expect(t.db.query("UPDATE audit_events SET outcome = 'denied' WHERE type = 'test.waiting'")).rejects.toThrow(/append-only/);
    await expect(t.db.query('DELETE FROM tlog_pending')).rejects.toThrow(/only once it is in the log/);
    await seq.integrate();
    expect(await t.db.query('SELECT 1 FROM tlog_pending')).toEqual([]);
  });

  it('refuse an event that could not become a log entry, at record time and in the schema', async () => {
    await expect(t.db.transaction((tx) => audit.record(tx, systemActor, { type: 'bad\ntype', outcome: 'success' }))).rejects.toThrow(/type/);
    await expect(t.db.transaction((tx) => audit.record(tx, systemActor, { type: 'x'.repeat(201), outcome: 'success' }))).rejects.toThrow(/type/);
    await expect(t.db.transaction((tx) => audit.record(tx, systemActor, { type: 'big.event', outcome: 'success', details: { blob: 'x'.repeat(1 << 20) } }))).rejects.toThrow(/larger than/);
    await expect(t.db.query("INSERT INTO audit_events (id, occurred_at, type, outcome) VALUES ($1, now(), E'a\\tb', 'success')", [newId()])).rejects.toThrow(/type_encodable/);
  });
});

describe('appending leaves', () => {
  it('stores each leaf and every subtree it completes, as a reference tree has them', () => {
    const leaves = Array.from({ length: 37 }, () => randomBytes(32));
    const tree = new MemoryTree();
    let border: { level: number; index: number; hash: Uint8Array }[] = [];
    const all = new Map<string, Uint8Array>();
    for (let start = 0; start < leaves.length; start += 5) {
      const chunk = leaves.slice(start, start + 5);
      for (const n of appendLeaves(border, start, chunk)) all.set(`${n.level}/${n.index}`, n.hash);
      chunk.forEach((h) => tree.append(h));
      const end = start + chunk.length;
      border = perfectSubtrees({ start: 0, end: start + chunk.length }).map((n) => ({ ...n, hash: all.get(`${n.level}/${n.index}`)! }));
    }
    for (const [key, hash] of all) {
      const [level, index] = key.split('/').map(Number) as [number, number];
      expect(Buffer.from(hash)).toEqual(Buffer.from(tree.subtreeHash(level, index) ?? tree.leafHash(index)));
    }
    expect(all.size).toBe(37 + 18 + 9 + 4 + 2 + 1);
  });
});
