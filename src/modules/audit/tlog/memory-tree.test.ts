/** @module audit/tlog/memory-tree.test — the cached tree agrees with the literal RFC definition. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CompactRange } from './compact-range.ts';
import { emptyRoot, hashLeaf } from './merkle-hash.ts';
import { MemoryTree } from './memory-tree.ts';
import { naiveRoot } from './reference-merkle.test-support.ts';

const leaf = (i: number): Uint8Array => hashLeaf(new TextEncoder().encode(`leaf ${i}`));

describe('MemoryTree', () => {
  it('starts empty with the empty root', () => {
    const tree = new MemoryTree();
    expect(tree.size).toBe(0);
    expect(tree.root()).toEqual(emptyRoot());
  });

  it('returns each leaf index on append and the RFC 6962 root at every prefix', () => {
    const tree = new MemoryTree();
    const leaves: Uint8Array[] = [];
    for (let i = 0; i < 70; i++) {
      leaves.push(leaf(i));
      expect(tree.append(leaf(i))).toBe(i);
    }
    for (let n = 0; n <= 70; n++) expect(tree.root(n)).toEqual(naiveRoot(leaves.slice(0, n)));
  });

  it('matches the naive root and the compact range for random sizes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 300 }), (n) => {
        const tree = new MemoryTree();
        const range = new CompactRange();
        const leaves = Array.from({ length: n }, (_, i) => leaf(i));
        for (const l of leaves) {
          tree.append(l);
          range.append(l);
        }
        expect(tree.root()).toEqual(naiveRoot(leaves));
        expect(range.root()).toEqual(tree.root());
      }),
      { numRuns: 60 },
    );
  });

  it('caches only complete subtrees', () => {
    const tree = new MemoryTree();
    for (let i = 0; i < 5; i++) tree.append(leaf(i));
    expect(tree.subtreeHash(2, 0)).toEqual(naiveRoot([0, 1, 2, 3].map(leaf)));
    expect(tree.subtreeHash(2, 1)).toBeUndefined();
    expect(tree.subtreeHash(1, 2)).toBeUndefined();
  });

  it('rejects bad input', () => {
    const tree = new MemoryTree();
    expect(() => tree.append(new Uint8Array(3))).toThrow(TypeError);
    expect(() => tree.leafHash(0)).toThrow(RangeError);
    expect(() => tree.root(1)).toThrow(RangeError);
  });
});
