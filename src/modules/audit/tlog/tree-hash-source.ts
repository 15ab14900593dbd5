/** @module audit/tlog/tree-hash-source — where proof generation reads tree hashes from (memory now, the database later). */
import { emptyRoot, hashChildren } from './merkle-hash.ts';
import { assertSize, perfectSubtrees, pow2, type LeafRange, type NodeId } from './tree-math.ts';

/**
 * A read-only view of a log's Merkle tree. Only `leafHash` is required; a store that keeps the
 * hashes of full (perfect) subtrees exposes them through `subtreeHash`, which turns every proof
 * and root into O(log n) lookups instead of O(n) hashing.
 *
 * A database-backed store that must fetch asynchronously can instead plan the nodes with
 * `planInclusion`/`planConsistency` + `perfectSubtrees`, fetch them in one query and fold them
 * with `foldRange` (see merkle-proof.ts).
 */
export interface TreeHashSource {
  /** Number of leaves integrated so far. */
  readonly size: number;
  /** The RFC 9162 §2.1.1 leaf hash of leaf `index`, `0 <= index < size`. */
  leafHash(index: number): Uint8Array;
  /**
   * The hash of the perfect subtree `(level, index)` if the store has it, otherwise `undefined`
   * (it is then computed from its two children). Only asked for subtrees lying within `size`.
   */
  subtreeHash?(level: number, index: number): Uint8Array | undefined;
}

/**
 * The hash of the perfect subtree `(level, index)`, from the cache when the source has one.
 *
 * @example
 * perfectSubtreeHash(tree, { level: 2, index: 1 }) // MTH of leaves 4..7
 */
export function perfectSubtreeHash(source: TreeHashSource, node: NodeId): Uint8Array {
  const { level, index } = node;
  if (level === 0) return source.leafHash(index);
  const cached = source.subtreeHash?.(level, index);
  if (cached !== undefined) return cached;
  return hashChildren(
    perfectSubtreeHash(source, { level: level - 1, index: 2 * index }),
    perfectSubtreeHash(source, { level: level - 1, index: 2 * index + 1 }),
  );
}

/**
 * Folds the hashes of the perfect subtrees of one range (largest first, as returned by
 * `perfectSubtrees`) into the range's Merkle Tree Hash: in an RFC 6962 tree the right-hand part
 * of a range nests to the right, so the fold runs right to left.
 *
 * @example
 * foldRange([h01, h2]) // hashChildren(h01, h2) — MTH of a 3-leaf tree
 */
export function foldRange(hashes: readonly Uint8Array[]): Uint8Array {
  let acc = hashes[hashes.length - 1];
  if (acc === undefined) throw new RangeError('foldRange needs at least one hash');
  for (let i = hashes.length - 2; i >= 0; i--) acc = hashChildren(hashes[i] as Uint8Array, acc);
  return acc;
}

/**
 * The Merkle Tree Hash of the leaves `[start, end)` (a node of the RFC 9162 §2.1.1 tree).
 *
 * @example
 * rangeHash(tree, { start: 4, end: 7 })
 */
export function rangeHash(source: TreeHashSource, range: LeafRange): Uint8Array {
  if (range.end > source.size) throw new RangeError(`range end ${range.end} beyond tree size ${source.size}`);
  return foldRange(perfectSubtrees(range).map((node) => perfectSubtreeHash(source, node)));
}

/**
 * MTH(D[size]) of RFC 9162 §2.1.1 for any `size <= source.size` (the empty tree included).
 *
 * @example
 * Buffer.from(treeRoot(tree, 5)).toString('base64')
 */
export function treeRoot(source: TreeHashSource, size: number): Uint8Array {
  assertSize(size, 'tree size');
  if (size > source.size) throw new RangeError(`tree size ${size} beyond ${source.size} leaves`);
  return size === 0 ? emptyRoot() : rangeHash(source, { start: 0, end: size });
}

/** Number of leaves covered by a node. */
export function nodeWidth(node: NodeId): number {
  return pow2(node.level);
}
