/** @module audit/tlog/compact-range — streaming Merkle Tree Hash of a growing log in O(log n) memory. */
import { emptyRoot, hashChildren, isHash } from './merkle-hash.ts';
import { foldRange } from './tree-hash-source.ts';

/**
 * Holds only the roots of the perfect subtrees that make up the leaves seen so far (one per set
 * bit of the size, the "compact range" of the transparency-dev literature), so a verifier can
 * stream any number of leaves and read MTH(D[n]) (RFC 9162 §2.1.1) at any point.
 *
 * @example
 * const range = new CompactRange();
 * for (const entry of entries) range.append(hashLeaf(entry));
 * range.root(); // equals MemoryTree.root()
 */
export class CompactRange {
  // Perfect-subtree roots, leftmost (largest) first.
  readonly #stack: Uint8Array[] = [];
  #size = 0;

  /** Number of leaves appended. */
  get size(): number {
    return this.#size;
  }

  /**
   * Appends one leaf hash.
   *
   * @example
   * range.append(hashLeaf(bytes));
   */
  append(leafHash: Uint8Array): void {
    if (!isHash(leafHash)) throw new TypeError('CompactRange.append: leaf hash must be 32 bytes');
    let node = leafHash;
    // Each trailing 1 bit of the old size is a subtree of the new leaf's height: merge with it.
    for (let c = this.#size; c % 2 === 1; c = (c - 1) / 2) {
      node = hashChildren(this.#stack.pop() as Uint8Array, node);
    }
    this.#stack.push(node);
    this.#size += 1;
  }

  /**
   * An independent copy of this range (same leaves so far).
   *
   * @example
   * const fork = range.clone();
   */
  clone(): CompactRange {
    const copy = new CompactRange();
    copy.#stack.push(...this.#stack);
    copy.#size = this.#size;
    return copy;
  }

  /**
   * MTH of all leaves appended so far.
   *
   * @example
   * range.root()
   */
  root(): Uint8Array {
    return this.#size === 0 ? emptyRoot() : foldRange(this.#stack);
  }
}
