/** @module audit/tlog/merkle-hash — RFC 6962 §2.1 / RFC 9162 §2.1.1 leaf and interior node hashing with SHA-256. */
import { hash } from 'node:crypto';

/** Size in bytes of every hash in the tree (SHA-256). */
export const HASH_SIZE = 32;

/** Domain-separation prefix of a leaf hash (RFC 9162 §2.1.1: `HASH(0x00 || d)`). */
const LEAF_PREFIX = 0x00;
/** Domain-separation prefix of an interior node hash (RFC 9162 §2.1.1: `HASH(0x01 || left || right)`). */
const NODE_PREFIX = 0x01;

// One scratch buffer for node hashes: `crypto.hash` over one buffer is about twice as fast as
// createHash().update()x3, and hashing is the inner loop of both the sequencer and the verifier.
const nodeScratch = new Uint8Array(1 + 2 * HASH_SIZE);
nodeScratch[0] = NODE_PREFIX;
let leafScratch = new Uint8Array(1024);

function sha256(data: Uint8Array): Uint8Array {
  const out = hash('sha256', data, 'buffer');
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/** True when `value` is a byte array of exactly {@link HASH_SIZE} bytes. */
export function isHash(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array && value.length === HASH_SIZE;
}

/**
 * The leaf hash of an entry: `SHA-256(0x00 || entry)` (RFC 9162 §2.1.1).
 *
 * @example
 * hashLeaf(new Uint8Array()) // 6e340b9c... (MTH of the one-leaf tree holding the empty entry)
 */
export function hashLeaf(entry: Uint8Array): Uint8Array {
  if (!(entry instanceof Uint8Array)) throw new TypeError('hashLeaf: entry must be a Uint8Array');
  if (leafScratch.length < entry.length + 1) leafScratch = new Uint8Array(Math.max(entry.length + 1, leafScratch.length * 2));
  leafScratch[0] = LEAF_PREFIX;
  leafScratch.set(entry, 1);
  return sha256(leafScratch.subarray(0, entry.length + 1));
}

/**
 * The hash of an interior node: `SHA-256(0x01 || left || right)` (RFC 9162 §2.1.1).
 *
 * @example
 * const root = hashChildren(hashLeaf(a), hashLeaf(b)); // MTH of the two-leaf tree [a, b]
 */
export function hashChildren(left: Uint8Array, right: Uint8Array): Uint8Array {
  if (!isHash(left) || !isHash(right)) throw new TypeError('hashChildren: both children must be 32-byte hashes');
  nodeScratch.set(left, 1);
  nodeScratch.set(right, 1 + HASH_SIZE);
  return sha256(nodeScratch);
}

/**
 * The Merkle Tree Hash of the empty tree: `SHA-256()` of no input (RFC 9162 §2.1.1).
 *
 * @example
 * Buffer.from(emptyRoot()).toString('base64') // '47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='
 */
export function emptyRoot(): Uint8Array {
  return sha256(new Uint8Array(0));
}

/** Constant-shape byte comparison of two hashes (lengths must match too). */
export function hashesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] as number) ^ (b[i] as number);
  return diff === 0;
}
