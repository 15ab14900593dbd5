/**
 * The tree cache against a real tree store (PGlite, or PostgreSQL with DATABASE_URL): it copies the
 * stored nodes, proofs folded from it equal the database's, it never holds a gap or more than its
 * budget, and what it misses is still read from the database.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../db/test-db.ts';
import { consistencyProofFromStore, inclusionProofFromStore } from './db-tree.ts';
import { appendLeaves } from './sequencer.ts';
import { MemoryTree, verifyInclusion } from './tlog/index.ts';
import { insertNodes, setTreeSize } from './tlog-store.ts';
import { createTreeCache } from './tree-cache.ts';

const SIZE = 3000; // not a power of two: the right edge has partial subtrees
let t: TestDatabase;
const tree = new MemoryTree();

beforeAll(async () => {
  t = await createTestDatabase();
  const leaves = Array.from({ length: SIZE }, () => new Uint8Array(randomBytes(32)));
  leaves.forEach((h) => tree.append(h));
  const nodes = appendLeaves([], 0, leaves).map((n) => (n.level === 0 ? { ...n, seq: n.index + 1 } : n));
  await t.db.transaction(async (tx) => {
    await insertNodes(tx, nodes);
    await setTreeSize(tx, SIZE);
  });
});
afterAll(() => t.drop());

const hex = (h: Uint8Array | undefined) => (h === undefined ? undefined : Buffer.from(h).toString('hex'));
const stored = (level: number, index: number) => hex(level === 0 ? tree.leafHash(index) : tree.subtreeHash(level, index));

/** A Queryable that counts the queries made through it. */
function counting() {
  const q = { queries: 0, query: <T>(sql: string, params?: readonly unknown[]) => (q.queries++, t.db.query<T>(sql, params)) };
  return q;
}

describe('the tree cache', () => {
  it('copies every stored node, and proofs from it need no query and equal the database ones', async () => {
    const cache = createTreeCache();
    await cache.fill(t.db, SIZE);
    expect(cache.stats()).toMatchObject({ lowestLevel: 0, coveredSize: SIZE });
    for (const [level, index] of [[0, 0], [0, SIZE - 1], [3, 100], [11, 0]] as const) expect(hex(cache.get(level, index))).toBe(stored(level, index));
    expect(cache.get(11, 1)).toBeUndefined(); // leaves 2048..4095: not a complete subtree of 3000 leaves
    const q = counting();
    for (const index of [0, 1, 1234, SIZE - 1]) {
      const proof = await inclusionProofFromStore(q, index, SIZE, cache);
      expect(proof.map(hex)).toEqual((await inclusionProofFromStore(t.db, index, SIZE)).map(hex));
      expect(verifyInclusion(index, SIZE, tree.leafHash(index), proof, tree.root(SIZE))).toBe(true);
    }
    expect((await consistencyProofFromStore(q, 777, SIZE, cache)).map(hex)).toEqual((await consistencyProofFromStore(t.db, 777, SIZE)).map(hex));
    expect(q.queries).toBe(0);
  });

  it('hands out copies: changing one does not change the cache', async () => {
    const cache = createTreeCache();
    await cache.fill(t.db, SIZE);
    cache.get(0, 5)!.fill(0);
    expect(hex(cache.get(0, 5))).toBe(stored(0, 5));
  });

  it('gives up its lowest levels to stay within its budget, and proofs read those from the database', async () => {
    const cache = createTreeCache({ maxBytes: 64 * 1024 }); // chunks of 32 KiB: the leaves (94 KiB) cannot stay
    await cache.fill(t.db, SIZE);
    const { bytes, lowestLevel } = cache.stats();
    expect(lowestLevel).toBeGreaterThan(0);
    expect(bytes).toBeLessThanOrEqual(64 * 1024);
    expect(cache.get(0, 10)).toBeUndefined();
    expect(hex(cache.get(lowestLevel, 1))).toBe(stored(lowestLevel, 1));
    const q = counting();
    const proof = await inclusionProofFromStore(q, 2999, SIZE, cache);
    expect(verifyInclusion(2999, SIZE, tree.leafHash(2999), proof, tree.root(SIZE))).toBe(true);
    expect(q.queries).toBe(1);
  });

  it('takes nodes as the sequencer commits them only where they continue what it holds', () => {
    const cache = createTreeCache();
    const leaves = Array.from({ length: 8 }, () => new Uint8Array(randomBytes(32)));
    const all = appendLeaves([], 0, leaves);
    const batch = (from: number, to: number) => all.filter((n) => n.index * 2 ** n.level >= from && (n.index + 1) * 2 ** n.level <= to);
    cache.addNodes(batch(4, 8).filter((n) => n.level < 2)); // leaves 0..3 not there yet: a gap
    expect(cache.get(0, 4)).toBeUndefined();
    cache.addNodes(batch(0, 4));
    expect(cache.stats().coveredSize).toBe(4);
    cache.addNodes(all); // overlaps what it holds: only the rest goes in
    const mem = new MemoryTree();
    leaves.forEach((h) => mem.append(h));
    expect(hex(cache.get(3, 0))).toBe(hex(mem.root()));
    expect(hex(cache.get(0, 6))).toBe(hex(leaves[6]));
    expect(cache.stats().coveredSize).toBe(8);
  });

  it('refuses to copy a level the store is missing nodes of', async () => {
    const cache = createTreeCache();
    await expect(cache.fill(t.db, SIZE + 2)).rejects.toThrow(/the tree store is missing nodes of level/);
  });
});
