/** @module audit/tlog/proof-plan — which subtree hashes make up an inclusion or consistency proof (RFC 9162 §2.1.3.1, §2.1.4.1). */
import { assertSize, splitPoint, type LeafRange } from './tree-math.ts';

/**
 * The leaf ranges whose Merkle Tree Hashes form the inclusion proof PATH(index, D[size]),
 * in proof order (bottom-up), per RFC 9162 §2.1.3.1:
 *
 *     PATH(m, {d[0]}) = {}
 *     PATH(m, D[n]) = PATH(m, D[0:k]) : MTH(D[k:n])      for m < k
 *     PATH(m, D[n]) = PATH(m - k, D[k:n]) : MTH(D[0:k])  for m >= k
 *
 * @example
 * planInclusion(1, 5) // [{start:0,end:1}, {start:2,end:4}, {start:4,end:5}]
 */
export function planInclusion(index: number, size: number): LeafRange[] {
  assertSize(index, 'leaf index');
  assertSize(size, 'tree size');
  if (index >= size) throw new RangeError(`leaf index ${index} outside tree of size ${size}`);
  const out: LeafRange[] = [];
  // Walk down from the root, collecting siblings top-down, then reverse to the RFC's bottom-up order.
  let lo = 0;
  let hi = size;
  while (hi - lo > 1) {
    const k = splitPoint(hi - lo);
    if (index < lo + k) {
      out.push({ start: lo + k, end: hi });
      hi = lo + k;
    } else {
      out.push({ start: lo, end: lo + k });
      lo += k;
    }
  }
  return out.reverse();
}

/**
 * The leaf ranges whose Merkle Tree Hashes form the consistency proof PROOF(size1, D[size2]) =
 * SUBPROOF(size1, D[size2], true), in proof order, per RFC 9162 §2.1.4.1:
 *
 *     SUBPROOF(m, D[m], true)  = {}
 *     SUBPROOF(m, D[m], false) = {MTH(D[m])}
 *     SUBPROOF(m, D[n], b) = SUBPROOF(m, D[0:k], b) : MTH(D[k:n])          for m <= k
 *     SUBPROOF(m, D[n], b) = SUBPROOF(m - k, D[k:n], false) : MTH(D[0:k])  for m > k
 *
 * The RFC defines the proof for 0 < size1 < size2; size1 == size2 gives the empty proof, and
 * size1 == 0 is refused (every tree extends the empty tree, so such a proof proves nothing).
 *
 * @example
 * planConsistency(2, 5) // [{start:2,end:4}, {start:4,end:5}]
 */
export function planConsistency(size1: number, size2: number): LeafRange[] {
  assertSize(size1, 'size1');
  assertSize(size2, 'size2');
  if (size1 === 0) throw new RangeError('consistency proofs start from a non-empty tree (RFC 9162 §2.1.4: 0 < m)');
  if (size1 > size2) throw new RangeError(`size1 ${size1} > size2 ${size2}`);
  const out: LeafRange[] = [];
  let lo = 0;
  let hi = size2;
  let m = size1;
  let complete = true; // the RFC's `b`: is the subtree at [lo, lo+m) a node of the old tree too?
  while (m !== hi - lo) {
    const k = splitPoint(hi - lo);
    if (m <= k) {
      out.push({ start: lo + k, end: hi });
      hi = lo + k;
    } else {
      out.push({ start: lo, end: lo + k });
      lo += k;
      m -= k;
      complete = false;
    }
  }
  if (!complete) out.push({ start: lo, end: hi });
  return out.reverse();
}
