/** @module audit/tlog/merkle-proof — inclusion and consistency proof generation (RFC 9162 §2.1.3.1, §2.1.4.1). */
import { planConsistency, planInclusion } from './proof-plan.ts';
import { rangeHash, type TreeHashSource } from './tree-hash-source.ts';
import { assertSize } from './tree-math.ts';

/**
 * The inclusion proof of leaf `index` in the tree of the first `size` leaves of `source`.
 *
 * @example
 * const proof = inclusionProof(tree, 1, 5); // 3 hashes
 * verifyInclusion(1, 5, tree.leafHash(1), proof, tree.root(5)) // true
 */
export function inclusionProof(source: TreeHashSource, index: number, size: number): Uint8Array[] {
  assertSize(size, 'tree size');
  if (size > source.size) throw new RangeError(`tree size ${size} beyond ${source.size} leaves`);
  return planInclusion(index, size).map((range) => rangeHash(source, range));
}

/**
 * The consistency proof from the tree of `size1` leaves to the tree of `size2` leaves.
 *
 * @example
 * const proof = consistencyProof(tree, 2, 5);
 * verifyConsistency(2, 5, proof, tree.root(2), tree.root(5)) // true
 */
export function consistencyProof(source: TreeHashSource, size1: number, size2: number): Uint8Array[] {
  assertSize(size2, 'size2');
  if (size2 > source.size) throw new RangeError(`tree size ${size2} beyond ${source.size} leaves`);
  return planConsistency(size1, size2).map((range) => rangeHash(source, range));
}
