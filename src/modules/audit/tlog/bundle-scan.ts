/** @module audit/tlog/bundle-scan — one streaming pass over events.jsonl and leaf-hashes.bin: leaf hashes, roots at checkpoint sizes, syntax problems. */
import { closeSync, existsSync, fstatSync, openSync, readSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { BUNDLE_FILES } from './bundle.ts';
import { CompactRange } from './compact-range.ts';
import { canonicalEntryIndex } from './entry.ts';
import { createLeafHashPool, type HashedLines, type LeafHashPool } from './leaf-hash-pool.ts';
import { HASH_SIZE, hashesEqual, hashLeaf } from './merkle-hash.ts';

/** What one pass found. Roots are RFC 9162 §2.1.1 MTHs of the first `size` leaves. */
export interface ScanResult {
  /** Lines in events.jsonl. */
  readonly eventCount: number;
  /** Hashes in leaf-hashes.bin, or undefined when the file is absent or not a multiple of 32 bytes. */
  readonly recordedCount: number | undefined;
  /** Root over the hashes of the event lines, at each requested size ≤ eventCount. */
  readonly eventRoots: ReadonlyMap<number, Uint8Array>;
  /** Root over the recorded leaf hashes, at each requested size ≤ recordedCount. */
  readonly recordedRoots: ReadonlyMap<number, Uint8Array>;
  /** Lines that are not a canonical entry (first 100), 0-based line numbers. */
  readonly malformed: readonly { line: number; message: string }[];
  readonly malformedCount: number;
  /** Some line's `index` field differs from its position. */
  readonly indexAnomaly: boolean;
  /** Some line's hash differs from the recorded hash at its position. */
  readonly hashAnomaly: boolean;
  /** The file does not end in a newline (its last line was still read). */
  readonly missingFinalNewline: boolean;
}

/** Called for each line during a scan (used by the diagnosis pass). */
export type LineVisitor = (line: number, claimedIndex: number | undefined, leafHash: Uint8Array) => void;

/** Options of {@link scanBundle}. */
export interface ScanOptions {
  /**
   * Decode every line fully (JSON, schema, canonical form) instead of only reading its `index`
   * field. Integrity never depends on it — every byte is hashed either way — but it names lines
   * that are not valid entries. About three times slower.
   */
  readonly strict?: boolean;
  readonly visit?: LineVisitor;
  /**
   * Hash the lines on worker threads (leaf-hash-pool.ts) while this thread builds the tree: about
   * twice as fast on two cores. Default: for an events file of 16 MiB or more on a machine with
   * more than one core, when neither `strict` nor `visit` is asked for (those stay on one thread).
   */
  readonly parallel?: boolean;
}

/** Below this size a bundle verifies in well under a second: starting workers would not pay. */
const PARALLEL_FROM_BYTES = 16 << 20;
/** Blocks handed to the workers ahead of the one being folded into the tree. */
const BLOCKS_IN_FLIGHT = 4;

const INDEX_TOKEN = Buffer.from(',"index":');

/**
 * The top-level `index` of a canonical entry line without parsing it: the last `,"index":` is the
 * top-level one, because `details` (the only free-form object) comes before it in JCS order and
 * the fields after it are strings, where a quote is always escaped.
 */
function peekIndex(buf: Buffer, start: number, end: number): number | undefined {
  const at = buf.lastIndexOf(INDEX_TOKEN, end - 1);
  if (at < start) return undefined;
  let n = 0;
  let i = at + INDEX_TOKEN.length;
  const first = i;
  for (; i < end; i++) {
    const c = buf[i] as number;
    if (c < 0x30 || c > 0x39) break;
    n = n * 10 + (c - 0x30);
  }
  if (i === first || i - first > 16 || buf[i] !== 0x2c || (buf[first] === 0x30 && i - first > 1)) return undefined;
  return n;
}

const MAX_LISTED = 100;
const CHUNK = 4 << 20;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Sequential reader of 32-byte hashes from leaf-hashes.bin. */
class RecordedHashes {
  readonly #fd: number;
  readonly #buf = Buffer.alloc(HASH_SIZE * 32768);
  #len = 0;
  #pos = 0;
  constructor(path: string) {
    this.#fd = openSync(path, 'r');
  }
  /** The next hash (a view valid until the next call), or undefined at the end. */
  next(): Uint8Array | undefined {
    if (this.#pos + HASH_SIZE > this.#len) {
      const rest = this.#len - this.#pos;
      this.#buf.copy(this.#buf, 0, this.#pos, this.#len);
      this.#len = rest + readSync(this.#fd, this.#buf, rest, this.#buf.length - rest, null);
      this.#pos = 0;
      if (this.#len < HASH_SIZE) return undefined;
    }
    const h = this.#buf.subarray(this.#pos, this.#pos + HASH_SIZE);
    this.#pos += HASH_SIZE;
    return h;
  }
  close(): void {
    closeSync(this.#fd);
  }
}

function recordedCountOf(path: string): number | undefined {
  if (!existsSync(path)) return undefined;
  const fd = openSync(path, 'r');
  try {
    let total = 0;
    const buf = Buffer.alloc(1 << 20);
    for (let n = readSync(fd, buf); n > 0; n = readSync(fd, buf)) total += n;
    return total % HASH_SIZE === 0 ? total / HASH_SIZE : undefined;
  } finally {
    closeSync(fd);
  }
}

/**
 * Streams a bundle's events once (O(log n) memory for the tree, via {@link CompactRange}) and
 * returns the roots at the requested sizes, for both the events and the recorded leaf hashes.
 *
 * @example
 * const scan = await scanBundle(dir, [1000, 2000], { strict: true });
 * scan.eventRoots.get(2000)
 */
export async function scanBundle(dir: string, sizes: readonly number[], options: ScanOptions = {}): Promise<ScanResult> {
  const { strict = false, visit } = options;
  const wanted = new Set(sizes);
  const eventRange = new CompactRange();
  // While the recorded hashes equal the events' (the normal case) their range is the same one;
  // it only forks off, as a copy, at the first difference. That halves the hashing of a clean scan.
  let recordedRange: CompactRange | undefined;
  let recordedSeen = 0;
  const eventRoots = new Map<number, Uint8Array>();
  const recordedRoots = new Map<number, Uint8Array>();
  if (wanted.has(0)) {
    eventRoots.set(0, eventRange.root());
    recordedRoots.set(0, eventRange.root());
  }
  const recordedPath = join(dir, BUNDLE_FILES.leafHashes);
  const recordedCount = recordedCountOf(recordedPath);
  const recorded = recordedCount === undefined ? undefined : new RecordedHashes(recordedPath);
  const malformed: { line: number; message: string }[] = [];
  let malformedCount = 0;
  let indexAnomaly = false;
  let hashAnomaly = false;
  let line = 0;

  const appendRecorded = (h: Uint8Array, sameAsEvent: boolean): void => {
    recordedSeen++;
    if (recordedRange === undefined && sameAsEvent) {
      if (wanted.has(recordedSeen)) recordedRoots.set(recordedSeen, eventRoots.get(recordedSeen) as Uint8Array);
      return;
    }
    if (recordedRange === undefined) {
      // Fork from the event range as it was before this leaf (it already holds this line's leaf
      // when called from a line; never when called after the last line).
      recordedRange = forkBase ?? eventRange.clone();
    }
    recordedRange.append(h.slice()); // h is a view into the read buffer; the range keeps it
    if (wanted.has(recordedRange.size)) recordedRoots.set(recordedRange.size, recordedRange.root());
  };
  let forkBase: CompactRange | undefined;

  /** One line's leaf hash and claimed index, in line order: the tree, the recorded hashes, the checks. */
  const onLeaf = (leaf: Uint8Array, claimed: number | undefined): void => {
    const r = recorded?.next();
    const same = r !== undefined && hashesEqual(r, leaf);
    if (r !== undefined && !same && recordedRange === undefined) forkBase = eventRange.clone();
    eventRange.append(leaf);
    if (wanted.has(eventRange.size)) eventRoots.set(eventRange.size, eventRange.root());
    if (claimed !== line) indexAnomaly = true;
    if (r !== undefined) {
      if (!same) hashAnomaly = true;
      appendRecorded(r, same);
    }
    visit?.(line, claimed, leaf);
    line++;
  };

  const onLine = (buf: Buffer, start: number, end: number): void => {
    const bytes = buf.subarray(start, end);
    const leaf = hashLeaf(bytes);
    let claimed: number | undefined;
    if (!strict) {
      claimed = peekIndex(buf, start, end);
    } else try {
      const text = buf.toString('utf8', start, end);
      // toString() replaces bad UTF-8 with U+FFFD silently; only then pay for a strict decode.
      if (text.includes('\ufffd')) strictUtf8.decode(bytes);
      claimed = canonicalEntryIndex(text);
    } catch (err) {
      malformedCount++;
      if (malformed.length < MAX_LISTED) malformed.push({ line, message: err instanceof TypeError ? 'invalid UTF-8' : (err as Error).message });
    }
    onLeaf(leaf, claimed);
  };

  // Worker threads hash blocks of whole lines ahead; this thread folds their results in order.
  const onBlock = (block: HashedLines): void => {
    for (let i = 0; i < block.claimed.length; i++) {
      const c = block.claimed[i] as number;
      onLeaf(block.leaves.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE), c < 0 ? undefined : c);
    }
  };
  let pool: LeafHashPool | undefined;
  const inFlight: Promise<HashedLines>[] = [];
  const drain = async (keep: number): Promise<void> => {
    while (inFlight.length > keep) onBlock(await (inFlight.shift() as Promise<HashedLines>));
  };

  const fd = openSync(join(dir, BUNDLE_FILES.events), 'r');
  let missingFinalNewline = false;
  try {
    const parallel = options.parallel ?? (!strict && visit === undefined && availableParallelism() > 1 && fstatSync(fd).size >= PARALLEL_FROM_BYTES);
    if (parallel && (strict || visit !== undefined)) throw new Error('scanBundle: parallel hashing reads only the index (no strict, no visit)');
    if (parallel) pool = createLeafHashPool(Math.min(4, availableParallelism()));
    let buf = Buffer.alloc(CHUNK);
    let len = 0;
    for (;;) {
      if (len === buf.length) {
        const grown = Buffer.alloc(buf.length * 2); // a line longer than the buffer
        buf.copy(grown, 0, 0, len);
        buf = grown;
      }
      const n = readSync(fd, buf, len, buf.length - len, null);
      if (n === 0) break;
      len += n;
      let start = 0;
      if (pool !== undefined) {
        const ends: number[] = [];
        for (let nl = buf.indexOf(0x0a, start); nl !== -1 && nl < len; nl = buf.indexOf(0x0a, start)) {
          ends.push(nl);
          start = nl + 1;
        }
        if (ends.length > 0) {
          // A copy the worker owns (the read buffer is reused at once).
          const bytes = new Uint8Array(start);
          bytes.set(buf.subarray(0, start));
          inFlight.push(pool.hash(bytes, Int32Array.from(ends)));
          await drain(BLOCKS_IN_FLIGHT - 1);
        }
      } else {
        for (let nl = buf.indexOf(0x0a, start); nl !== -1 && nl < len; nl = buf.indexOf(0x0a, start)) {
          onLine(buf, start, nl);
          start = nl + 1;
        }
      }
      buf.copy(buf, 0, start, len);
      len -= start;
      await new Promise<void>((resolve) => setImmediate(resolve)); // stay responsive between chunks
    }
    await drain(0);
    if (len > 0) {
      missingFinalNewline = true;
      onLine(buf, 0, len);
    }
    // Recorded hashes beyond the last event still tell what the log held (e.g. after truncation).
    for (let h = recorded?.next(); h !== undefined; h = recorded?.next()) {
      forkBase ??= eventRange.clone();
      appendRecorded(h, false);
    }
  } finally {
    closeSync(fd);
    recorded?.close();
    await pool?.close();
  }
  return {
    eventCount: line,
    recordedCount,
    eventRoots,
    recordedRoots,
    malformed,
    malformedCount,
    indexAnomaly,
    hashAnomaly,
    missingFinalNewline,
  };
}
