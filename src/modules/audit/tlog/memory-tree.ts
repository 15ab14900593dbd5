/** @module audit/tlog/memory-tree — an append-only in-memory Merkle tree storing every full-subtree hash. */
import { HASH_SIZE, hashChildren, isHash } from './merkle-hash.ts';
import type { TreeHashSource } from './tree-hash-source.ts';
import { treeRoot } from './tree-hash-source.ts';

/** One level of the tree: `count` hashes packed into `bytes`. */
interface Level {
  bytes: Uint8Array;
  count: number;
}

/**
 * Append-only Merkle tree in memory. Level `L` holds the hash of every complete perfect subtree of
 * height `L` (level 0 = leaf hashes), so each is computed exactly once on append and any proof or
 * root is O(log n) lookups. Memory: about 2·n·32 bytes (64 MB at one million leaves).
 *
 * @example
 * const tree = new MemoryTree();
 * tree.append(hashLeaf(entryBytes));
 * const proof = inclusionProof(tree, 0, tree.size);
 */
export class MemoryTree implements TreeHashSource {
  readonly #levels: Level[] = [];
  #size = 0;

  /** Number of leaves appended. */
  get size(): number {
    return this.#size;
  }

  /**
   * Appends one leaf hash (already `hashLeaf`ed) and returns its leaf index.
   *
   * @example
   * const index = tree.append(hashLeaf(entry));
   */
  append(leafHash: Uint8Array): number {
    if (!isHash(leafHash)) throw new TypeError('MemoryTree.append: leaf hash must be 32 bytes');
    const index = this.#size;
    let node = leafHash;
    for (let level = 0; ; level++) {
      const count = this.#push(level, node);
      // A node completes its parent whenever it is a right child (odd position).
      if (count % 2 === 1) break;
      node = hashChildren(this.#get(level, count - 2), node);
    }
    this.#size = index + 1;
    return index;
  }

  /** @inheritdoc */
  leafHash(index: number): Uint8Array {
    if (!Number.isSafeInteger(index) || index < 0 || index >= this.#size) {
      throw new RangeError(`leaf index ${index} outside [0, ${this.#size})`);
    }
    return this.#get(0, index);
  }

  /** @inheritdoc */
  subtreeHash(level: number, index: number): Uint8Array | undefined {
    const lv = this.#levels[level];
    if (lv === undefined || !Number.isSafeInteger(index) || index < 0 || index >= lv.count) return undefined;
    return this.#get(level, index);
  }

  /**
   * MTH of the first `size` leaves (default: all), RFC 9162 §2.1.1.
   *
   * @example
   * tree.root(); tree.root(10);
   */
  root(size: number = this.#size): Uint8Array {
    return treeRoot(this, size);
  }

  #get(level: number, index: number): Uint8Array {
    const lv = this.#levels[level] as Level;
    // A view, not a copy: stored hashes are never overwritten (the tree is append-only), and
    // growing a level allocates a new buffer, leaving earlier views intact.
    return lv.bytes.subarray(index * HASH_SIZE, (index + 1) * HASH_SIZE);
  }

  #push(level: number, h: Uint8Array): number {
    let lv = this.#levels[level];
    if (lv === undefined) {
      lv = { bytes: new Uint8Array(HASH_SIZE * 64), count: 0 };
      this.#levels[level] = lv;
    }
    if ((lv.count + 1) * HASH_SIZE > lv.bytes.length) {
      const grown = new Uint8Array(lv.bytes.length * 2);
      grown.set(lv.bytes);
      lv.bytes = grown;
    }
    lv.bytes.set(h, lv.count * HASH_SIZE);
    lv.count += 1;
    return lv.count;
  }
}
