/**
 * @module audit/db-tree — proofs and roots from the database's tree hashes: plan which perfect
 * subtrees a proof needs (tlog/proof-plan.ts), read them in one query, fold them with the tlog
 * primitives. O(log n) rows per proof whatever the size of the log, and none at all for the nodes
 * a tree cache (tree-cache.ts) already holds.
 */
import type { Queryable } from '../../db/database.ts';
import {
  consistencyProof, inclusionProof, perfectSubtrees, planConsistency, planInclusion, treeRoot,
  type LeafRange, type NodeId, type TreeHashSource,
} from './tlog/index.ts';
import { readNodes } from './tlog-store.ts';
import type { TreeCache } from './tree-cache.ts';

/**
 * A TreeHashSource over hashes already read from the database. Asking for a node that was not
 * read is a programming error or a damaged store, and throws rather than computing a wrong hash.
 */
export class FetchedTree implements TreeHashSource {
  constructor(
    readonly size: number,
    private readonly nodes: Map<string, Uint8Array>,
  ) {}

  leafHash(index: number): Uint8Array {
    return this.node(0, index);
  }

  subtreeHash(level: number, index: number): Uint8Array {
    return this.node(level, index);
  }

  private node(level: number, index: number): Uint8Array {
    const hash = this.nodes.get(`${level}/${index}`);
    if (hash === undefined) throw new Error(`the tree store has no node (level ${level}, index ${index}) within size ${this.size}`);
    return hash;
  }
}

/**
 * Read every perfect subtree making up `ranges` of a tree of `size` leaves: from `cache` what it
 * holds, the rest in one query.
 * @example const tree = await fetchTree(db, 1000, [{ start: 0, end: 1000 }]); treeRoot(tree, 1000);
 */
export async function fetchTree(q: Queryable, size: number, ranges: readonly LeafRange[], cache?: TreeCache): Promise<FetchedTree> {
  const ids: NodeId[] = ranges.filter((r) => r.end > r.start).flatMap((r) => perfectSubtrees(r));
  if (cache === undefined) return new FetchedTree(size, await readNodes(q, ids));
  const nodes = new Map<string, Uint8Array>();
  const missing: NodeId[] = [];
  for (const id of ids) {
    const hash = cache.get(id.level, id.index);
    if (hash === undefined) missing.push(id);
    else nodes.set(`${id.level}/${id.index}`, hash);
  }
  if (missing.length > 0) for (const [k, v] of await readNodes(q, missing)) nodes.set(k, v);
  return new FetchedTree(size, nodes);
}

/** The hashes of `ranges` (proof order) from `cache` alone, or undefined if it lacks a node. */
function proofFromCache(cache: TreeCache, ranges: readonly LeafRange[]): Uint8Array[] | undefined {
  const proof: Uint8Array[] = [];
  for (const range of ranges) {
    const hash = cache.rangeHash(range);
    if (hash === undefined) return undefined;
    proof.push(hash);
  }
  return proof;
}

/**
 * RFC 9162 inclusion proof of leaf `index` in the tree of `size` leaves, from the database (and
 * `cache`, when given, for the nodes it holds).
 * @example const proof = await inclusionProofFromStore(db, 17, 1_000_000); // 20 hashes
 */
export async function inclusionProofFromStore(q: Queryable, index: number, size: number, cache?: TreeCache): Promise<Uint8Array[]> {
  const ranges = planInclusion(index, size);
  const cached = cache && proofFromCache(cache, ranges);
  if (cached !== undefined) return cached;
  const tree = await fetchTree(q, size, ranges, cache);
  return inclusionProof(tree, index, size);
}

/**
 * RFC 9162 consistency proof from `size1` to `size2` leaves, from the database (and `cache`).
 * @example const proof = await consistencyProofFromStore(db, 10, 20);
 */
export async function consistencyProofFromStore(q: Queryable, size1: number, size2: number, cache?: TreeCache): Promise<Uint8Array[]> {
  const ranges = planConsistency(size1, size2);
  const cached = cache && proofFromCache(cache, ranges);
  if (cached !== undefined) return cached;
  const tree = await fetchTree(q, size2, ranges, cache);
  return consistencyProof(tree, size1, size2);
}

/**
 * MTH(D[size]) from the database (the empty tree's root for 0).
 * @example Buffer.from(await rootFromStore(db, size)).toString('base64')
 */
export async function rootFromStore(q: Queryable, size: number): Promise<Uint8Array> {
  const tree = await fetchTree(q, size, [{ start: 0, end: size }]);
  return treeRoot(tree, size);
}
