/** @module audit/tlog/tree-math — index arithmetic of RFC 9162 §2.1.1 trees, safe beyond 2^32 leaves. */

// JavaScript bitwise operators truncate to 32 bits; tree sizes go up to 2^53 - 1, so everything
// here uses division and remainder, which are exact on safe integers.

/** Identifies the perfect subtree covering leaves `[index·2^level, (index+1)·2^level)`. */
export interface NodeId {
  readonly level: number;
  readonly index: number;
}

/** A half-open range of leaves `[start, end)` whose Merkle Tree Hash is a proof element. */
export interface LeafRange {
  readonly start: number;
  readonly end: number;
}

/** Throws unless `n` is a non-negative safe integer. */
export function assertSize(n: unknown, what: string): asserts n is number {
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
    throw new RangeError(`${what} must be a non-negative safe integer, got ${String(n)}`);
  }
}

/** True when `n` is a non-negative safe integer. */
export function isSize(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
}

/**
 * The largest power of two strictly smaller than `n` — the split point `k` of RFC 9162 §2.1.1.
 *
 * @example
 * splitPoint(5) // 4
 * splitPoint(8) // 4
 */
export function splitPoint(n: number): number {
  if (!(n >= 2)) throw new RangeError(`splitPoint needs n >= 2, got ${n}`);
  return pow2(floorLog2(n - 1));
}

/** floor(log2(n)) for a safe integer n >= 1: clz32 below 2^32 (proofs call this in their inner loop). */
function floorLog2(n: number): number {
  if (n < 0x1_0000_0000) return 31 - Math.clz32(n);
  let level = 32;
  while (pow2(level + 1) <= n) level++;
  return level;
}

/** True when `n` is an exact power of two (1, 2, 4, ...). */
export function isPowerOfTwo(n: number): boolean {
  if (!(n >= 1) || !Number.isSafeInteger(n)) return false;
  while (n % 2 === 0) n /= 2;
  return n === 1;
}

// `2 ** level` with a variable exponent is a Math.pow call; proofs ask for hundreds per proof.
const POW2: readonly number[] = Array.from({ length: 54 }, (_, i) => 2 ** i);

/** `2^level` for a level of a tree of safe-integer size. */
export function pow2(level: number): number {
  return POW2[level] ?? 2 ** level;
}

/**
 * The perfect subtrees, left to right and largest first, whose concatenation is the leaf range
 * `[start, end)` of an RFC 6962 tree. Every range that appears as a proof element is aligned so
 * that this decomposition exists (`start` is a multiple of the largest power of two ≤ its length).
 *
 * @example
 * perfectSubtrees({ start: 4, end: 7 }) // [{ level: 1, index: 2 }, { level: 0, index: 6 }]
 */
export function perfectSubtrees(range: LeafRange): NodeId[] {
  const { start, end } = range;
  assertSize(start, 'range start');
  assertSize(end, 'range end');
  if (end <= start) throw new RangeError(`empty leaf range [${start}, ${end})`);
  const out: NodeId[] = [];
  let pos = start;
  let remaining = end - start;
  for (let level = floorLog2(remaining); level >= 0; level--) {
    const width = pow2(level);
    if (remaining >= width) {
      if (pos % width !== 0) throw new RangeError(`leaf range [${start}, ${end}) is not aligned to a tree node`);
      out.push({ level, index: pos / width });
      pos += width;
      remaining -= width;
    }
  }
  return out;
}
