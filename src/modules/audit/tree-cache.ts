/**
 * @module audit/tree-cache — an in-memory copy of the log's stored tree hashes, so that a proof is
 * folded from memory instead of read from the database. A stored node is the hash of a complete
 * perfect subtree: it never changes (the database refuses to change it), so a copy stays right for
 * ever and needs no invalidation. Memory is bounded: when the whole tree no longer fits, the lowest
 * levels (the largest: the leaves are half the tree) are given up first, and their nodes are read
 * from the database as before.
 */
import type { Queryable } from '../../db/database.ts';
import { foldRange, HASH_SIZE, perfectSubtrees, type LeafRange } from './tlog/index.ts';

/** Default memory budget: the whole tree up to about two million events (64 bytes per event). */
export const DEFAULT_TREE_CACHE_BYTES = 128 * 2 ** 20;
/** Hashes per chunk: levels grow chunk by chunk, so nothing is ever copied to grow. */
const CHUNK_HASHES = 1024;
const CHUNK_BYTES = CHUNK_HASHES * HASH_SIZE;
/** Nodes read per query while filling: one row of 512 KiB (string_agg), not 16,384 rows. */
const FILL_ROWS = 16_384;
/** Right-edge range hashes remembered (a checkpoint size needs about log2(size) of them). */
const EDGES_KEPT = 4096;

/** One level: the hashes of nodes `0 .. count-1`, a prefix without gaps. */
interface Level {
  chunks: Uint8Array[];
  count: number;
}

export interface TreeCacheStats {
  /** Bytes held (whole chunks). */
  bytes: number;
  /** Levels below this one are not kept (0: the whole tree). */
  lowestLevel: number;
  /** The largest tree size whose every node on the kept levels is held. */
  coveredSize: number;
}

export interface TreeCache {
  /** A copy of the hash of the perfect subtree `(level, index)`, or undefined when it is not held. */
  get(level: number, index: number): Uint8Array | undefined;
  /**
   * Nodes just committed (after the commit: a rolled-back transaction's nodes must never get in),
   * ascending within each level. Nodes that would leave a gap are skipped; `fill` gets them later.
   */
  /**
   * The Merkle Tree Hash of leaves `[start, end)` from the held nodes, or undefined if one is not
   * held. A range that is not one perfect subtree (the right edge of a tree whose size is not a
   * power of two) is folded once and remembered: its leaves never change either.
   */
  rangeHash(range: LeafRange): Uint8Array | undefined;
  addNodes(nodes: readonly { level: number; index: number; hash: Uint8Array }[]): void;
  /**
   * Copy from the database every node of a tree of `size` leaves not held yet (top levels first;
   * one query per 16,384 nodes). Calls made while one runs wait for it, then continue from there.
   */
  fill(q: Queryable, size: number): Promise<void>;
  stats(): TreeCacheStats;
}

/** Stored nodes of level `level` in a tree of `size` leaves: floor(size / 2^level). */
const nodesAt = (size: number, level: number) => Math.floor(size / 2 ** level);

/**
 * A bounded cache of the tree's node hashes (one per database, shared by the sequencer, which adds
 * what it commits, and the proof readers).
 * @example const tree = createTreeCache(); await tree.fill(db, size); tree.get(0, 17);
 */
export function createTreeCache(opts: { maxBytes?: number } = {}): TreeCache {
  const maxBytes = opts.maxBytes ?? DEFAULT_TREE_CACHE_BYTES;
  const levels: Level[] = [];
  let lowest = 0;
  let bytes = 0;
  let filling: Promise<void> = Promise.resolve();
  const edges = new Map<string, Uint8Array>();

  const level = (l: number): Level => (levels[l] ??= { chunks: [], count: 0 });

  /** Give up the lowest levels until a tree of `size` leaves fits (whole chunks counted). */
  const makeRoom = (size: number) => {
    const need = (from: number) => {
      let total = 0;
      for (let l = from; nodesAt(size, l) > 0; l++) total += Math.ceil(nodesAt(size, l) / CHUNK_HASHES) * CHUNK_BYTES;
      return total;
    };
    while (need(lowest) > maxBytes && nodesAt(size, lowest) > 0) {
      const gone = levels[lowest];
      if (gone) bytes -= gone.chunks.length * CHUNK_BYTES;
      levels[lowest] = { chunks: [], count: 0 };
      lowest++;
    }
  };

  /** Append hashes `[from, from + n)` of level `l` (packed in `hashes`), keeping the prefix gap-free. */
  const addRun = (l: number, from: number, hashes: Uint8Array) => {
    if (l < lowest) return;
    const lv = level(l);
    const n = hashes.length / HASH_SIZE;
    if (from > lv.count || from + n <= lv.count) return; // a gap, or nothing new
    for (let i = lv.count - from; i < n; i++) {
      const at = lv.count;
      const c = Math.floor(at / CHUNK_HASHES);
      if (c === lv.chunks.length) {
        lv.chunks.push(new Uint8Array(CHUNK_BYTES));
        bytes += CHUNK_BYTES;
      }
      (lv.chunks[c] as Uint8Array).set(hashes.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE), (at % CHUNK_HASHES) * HASH_SIZE);
      lv.count = at + 1;
    }
  };

  /** The largest tree size all of whose nodes on the kept levels (from `lowest` up) are held. */
  const coveredSize = () => {
    // Level l holds a tree of s leaves when floor(s / 2^l) <= count, i.e. s < (count + 1) * 2^l;
    // a level never started holds no node, so s < 2^l there.
    let size = Infinity;
    for (let l = lowest; ; l++) {
      const count = levels[l]?.count ?? 0;
      size = Math.min(size, (count + 1) * 2 ** l - 1);
      if (count === 0) return size;
    }
  };

  const fillTo = async (q: Queryable, size: number) => {
    makeRoom(size);
    for (let l = Math.floor(Math.log2(Math.max(size, 1))); l >= lowest; l--) {
      const want = nodesAt(size, l);
      while (l >= lowest && level(l).count < want) {
        const from = level(l).count;
        const to = Math.min(want, from + FILL_ROWS);
        const [row] = await q.query<{ n: number; hashes: Uint8Array | null }>(
          "SELECT count(*)::int8 AS n, string_agg(hash, ''::bytea ORDER BY idx) AS hashes FROM tlog_nodes WHERE level = $1 AND idx >= $2 AND idx < $3",
          [l, from, to],
        );
        // The primary key makes (level, idx) unique: the right count means no node is missing.
        if (!row?.hashes || row.n !== to - from || row.hashes.length !== (to - from) * HASH_SIZE) {
          throw new Error(`the tree store is missing nodes of level ${l} in [${from}, ${to})`);
        }
        addRun(l, from, row.hashes);
      }
    }
  };

  const get = (l: number, index: number): Uint8Array | undefined => {
    if (l < lowest) return undefined;
    const lv = levels[l];
    if (lv === undefined || index >= lv.count || index < 0) return undefined;
    const at = (index % CHUNK_HASHES) * HASH_SIZE;
    // A copy: callers may keep or change what they get; the cache must stay as stored.
    return (lv.chunks[Math.floor(index / CHUNK_HASHES)] as Uint8Array).slice(at, at + HASH_SIZE);
  };

  return {
    get,

    rangeHash(range) {
      const ids = perfectSubtrees(range);
      if (ids.length === 1) return get(ids[0]!.level, ids[0]!.index);
      const key = `${range.start}-${range.end}`;
      const known = edges.get(key);
      if (known !== undefined) return known.slice();
      const hashes: Uint8Array[] = [];
      for (const id of ids) {
        const hash = get(id.level, id.index);
        if (hash === undefined) return undefined;
        hashes.push(hash);
      }
      const folded = foldRange(hashes);
      if (edges.size >= EDGES_KEPT) edges.clear();
      edges.set(key, folded.slice());
      return folded;
    },

    addNodes(nodes) {
      let leaves = 0;
      for (const n of nodes) if (n.level === 0) leaves = Math.max(leaves, n.index + 1);
      if (leaves > 0) makeRoom(leaves);
      for (const n of nodes) addRun(n.level, n.index, n.hash);
    },

    fill(q, size) {
      const run = filling.catch(() => undefined).then(() => (coveredSize() >= size ? undefined : fillTo(q, size)));
      filling = run;
      return run;
    },

    stats: () => ({ bytes, lowestLevel: lowest, coveredSize: coveredSize() }),
  };
}
