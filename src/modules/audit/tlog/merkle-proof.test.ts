/** @module audit/tlog/merkle-proof.test — generated proofs equal the literal RFC definitions and always verify. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hashLeaf } from './merkle-hash.ts';
import { consistencyProof, inclusionProof } from './merkle-proof.ts';
import { verifyConsistency, verifyInclusion } from './merkle-verify.ts';
import { MemoryTree } from './memory-tree.ts';
import { planConsistency, planInclusion } from './proof-plan.ts';
import { naivePath, naiveRoot, naiveSubproof } from './reference-merkle.test-support.ts';
import type { TreeHashSource } from './tree-hash-source.ts';

function buildTree(n: number): { tree: MemoryTree; leaves: Uint8Array[] } {
  const tree = new MemoryTree();
  const leaves: Uint8Array[] = [];
  for (let i = 0; i < n; i++) {
    const l = hashLeaf(new TextEncoder().encode(`entry ${i}`));
    leaves.push(l);
    tree.append(l);
  }
  return { tree, leaves };
}

// A source without any cache: proofs must still be right, just slower.
const leavesOnly = (leaves: Uint8Array[]): TreeHashSource => ({
  size: leaves.length,
  leafHash: (i) => leaves[i] as Uint8Array,
});

describe('inclusion proofs', () => {
  it('plans the RFC 9162 example shape for leaf 1 of 5', () => {
    expect(planInclusion(1, 5)).toEqual([
      { start: 0, end: 1 },
      { start: 2, end: 4 },
      { start: 4, end: 5 },
    ]);
  });

  it('equal PATH(m, D[n]) and verify, for every leaf of random trees and every prefix size', () => {
    const { tree, leaves } = buildTree(140);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 140 }), fc.nat(), (size, seed) => {
        const index = seed % size;
        const proof = inclusionProof(tree, index, size);
        expect(proof).toEqual(naivePath(index, leaves.slice(0, size)));
        expect(inclusionProof(leavesOnly(leaves), index, size)).toEqual(proof);
        const root = naiveRoot(leaves.slice(0, size));
        expect(verifyInclusion(index, size, leaves[index] as Uint8Array, proof, root)).toBe(true);
        // The same proof must not verify another leaf or another root. (The tree size is not
        // bound by the proof alone — e.g. leaf 0 of 5 and of 6 walk the same path — which is why
        // it is bound by the signed checkpoint.)
        const other = leaves[(index + 1) % size] as Uint8Array;
        if (size > 1) expect(verifyInclusion(index, size, other, proof, root)).toBe(false);
        const otherRoot = Uint8Array.from(root);
        otherRoot[31] = (otherRoot[31] as number) ^ 1;
        expect(verifyInclusion(index, size, leaves[index] as Uint8Array, proof, otherRoot)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses leaf indices outside the tree', () => {
    const { tree } = buildTree(4);
    expect(() => inclusionProof(tree, 4, 4)).toThrow(RangeError);
    expect(() => inclusionProof(tree, 0, 5)).toThrow(RangeError);
    expect(() => inclusionProof(tree, -1, 4)).toThrow(RangeError);
  });
});

describe('consistency proofs', () => {
  it('plans the RFC 9162 example shape for 2 -> 5', () => {
    expect(planConsistency(2, 5)).toEqual([
      { start: 2, end: 4 },
      { start: 4, end: 5 },
    ]);
    expect(planConsistency(5, 5)).toEqual([]);
  });

  it('equal PROOF(m, D[n]) and verify, for random size pairs', () => {
    const { tree, leaves } = buildTree(140);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 140 }), fc.integer({ min: 1, max: 140 }), (a, b) => {
        const [m, n] = a <= b ? [a, b] : [b, a];
        const proof = consistencyProof(tree, m, n);
        expect(proof).toEqual(naiveSubproof(m, leaves.slice(0, n), true));
        const r1 = naiveRoot(leaves.slice(0, m));
        const r2 = naiveRoot(leaves.slice(0, n));
        expect(verifyConsistency(m, n, proof, r1, r2)).toBe(true);
        if (m < n) {
          expect(verifyConsistency(m, n, proof, r2, r1)).toBe(false);
          expect(verifyConsistency(m, n, proof, naiveRoot(leaves.slice(1, m + 1)), r2)).toBe(false);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('refuses proofs from the empty tree or backwards', () => {
    const { tree } = buildTree(4);
    expect(() => consistencyProof(tree, 0, 4)).toThrow(RangeError);
    expect(() => consistencyProof(tree, 3, 2)).toThrow(RangeError);
    expect(() => consistencyProof(tree, 2, 5)).toThrow(RangeError);
  });
});
