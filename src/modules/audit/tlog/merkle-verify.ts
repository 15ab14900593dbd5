/** @module audit/tlog/merkle-verify — inclusion and consistency proof verification (RFC 9162 §2.1.3.2, §2.1.4.2). */
import { hashChildren, hashesEqual, isHash } from './merkle-hash.ts';
import { isPowerOfTwo, isSize } from './tree-math.ts';

// The verifiers never throw on hostile values: anything malformed (wrong hash length, index
// outside the tree, proof of the wrong length) is simply a failed verification.

const half = (n: number): number => Math.floor(n / 2);
const lsb = (n: number): boolean => n % 2 === 1;

function validProof(proof: unknown): proof is readonly Uint8Array[] {
  return Array.isArray(proof) && proof.every(isHash);
}

/**
 * The root that an inclusion proof leads to, or `undefined` if the proof cannot be valid for
 * that index and size (RFC 9162 §2.1.3.2, steps 1–5 without the final comparison).
 *
 * @example
 * rootFromInclusionProof(1, 5, leafHash, proof) // MTH(D[5]) if the proof is right
 */
export function rootFromInclusionProof(
  index: number,
  size: number,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
): Uint8Array | undefined {
  if (!isSize(index) || !isSize(size) || index >= size) return undefined;
  if (!isHash(leafHash) || !validProof(proof)) return undefined;
  let fn = index;
  let sn = size - 1;
  let r = leafHash;
  for (const p of proof) {
    if (sn === 0) return undefined; // proof longer than the path
    if (lsb(fn) || fn === sn) {
      r = hashChildren(p, r);
      // Skip the levels where this node is the last, unpaired one (the right edge of the tree).
      if (!lsb(fn)) {
        while (!lsb(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      r = hashChildren(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 ? r : undefined; // sn > 0: proof shorter than the path
}

/**
 * Verifies that `leafHash` is leaf `index` of the tree of `size` leaves with root `root`
 * (RFC 9162 §2.1.3.2). Returns false on any malformed input.
 *
 * @example
 * verifyInclusion(1, 5, leafHash, proof, root) // true | false
 */
export function verifyInclusion(
  index: number,
  size: number,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): boolean {
  if (!isHash(root)) return false;
  const computed = rootFromInclusionProof(index, size, leafHash, proof);
  return computed !== undefined && hashesEqual(computed, root);
}

/**
 * Verifies that the tree of `size2` leaves with root `root2` extends the tree of `size1` leaves
 * with root `root1` (RFC 9162 §2.1.4.2). Returns false on any malformed input.
 *
 * - `size1 == size2`: the proof must be empty and the roots equal (nothing to prove; the shared
 *   test vectors accept any equal byte strings here).
 * - `size1 == 0`: refused. RFC 9162 §2.1.4 defines proofs for 0 < m; the empty tree is a prefix of
 *   every tree, so a "proof" from it carries no information (matches the shared test vectors).
 *
 * @example
 * verifyConsistency(2, 5, proof, root2of, root5of) // true | false
 */
export function verifyConsistency(
  size1: number,
  size2: number,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
): boolean {
  if (!isSize(size1) || !isSize(size2) || size1 > size2 || size1 === 0) return false;
  if (!Array.isArray(proof) || !(root1 instanceof Uint8Array) || !(root2 instanceof Uint8Array)) return false;
  if (size1 === size2) return proof.length === 0 && hashesEqual(root1, root2);
  if (!validProof(proof) || !isHash(root1) || !isHash(root2)) return false;
  // Step 1: an empty path never proves a strict extension.
  if (proof.length === 0) return false;
  // Step 2: if the old tree is a perfect subtree, its root is the first node of the path.
  const path = isPowerOfTwo(size1) ? [root1, ...proof] : proof;
  // Step 3.
  let fn = size1 - 1;
  let sn = size2 - 1;
  // Step 4: skip the levels where the old tree's last node is a right child.
  while (lsb(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  // Step 5.
  let fr = path[0] as Uint8Array;
  let sr = fr;
  // Step 6.
  for (let i = 1; i < path.length; i++) {
    const c = path[i] as Uint8Array;
    if (sn === 0) return false;
    if (lsb(fn) || fn === sn) {
      fr = hashChildren(c, fr);
      sr = hashChildren(c, sr);
      if (!lsb(fn)) {
        while (!lsb(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      sr = hashChildren(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  // Step 7.
  return sn === 0 && hashesEqual(fr, root1) && hashesEqual(sr, root2);
}
