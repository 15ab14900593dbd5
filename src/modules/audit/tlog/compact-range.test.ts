/** @module audit/tlog/compact-range.test — the streaming root equals the recursive definition at every size. */
import { describe, expect, it } from 'vitest';
import { CompactRange } from './compact-range.ts';
import { emptyRoot, hashLeaf } from './merkle-hash.ts';
import { naiveRoot } from './reference-merkle.test-support.ts';

describe('CompactRange', () => {
  it('reports the RFC 9162 §2.1.1 root after every append', () => {
    const range = new CompactRange();
    const leaves: Uint8Array[] = [];
    expect(range.root()).toEqual(emptyRoot());
    for (let i = 0; i < 130; i++) {
      const l = hashLeaf(Uint8Array.of(i));
      leaves.push(l);
      range.append(l);
      expect(range.size).toBe(i + 1);
      expect(range.root()).toEqual(naiveRoot(leaves));
    }
  });

  it('rejects a leaf hash of the wrong length', () => {
    expect(() => new CompactRange().append(new Uint8Array(16))).toThrow(TypeError);
  });
});
