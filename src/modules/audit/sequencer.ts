/**
 * @module audit/sequencer — turns the audit_events outbox into the tamper-evident log: takes the
 * events not yet integrated in outbox order, gives them the next gap-free leaf indexes, stores
 * their leaf hashes and every completed subtree hash, and signs checkpoints that extend the last.
 * Every step is one transaction under the tlog_state row lock, so it is correct even if two
 * sequencers ever ran at once; the advisory-lock election (sequencer-runner.ts) only makes it rare.
 */
import type { Clock } from '../../core/clock.ts';
import type { Database } from '../../db/database.ts';
import {
  encodeEntry, hashChildren, hashLeaf, nextCheckpoint, openCheckpoint, parseVerifierKey, perfectSubtrees,
  signCheckpoint as signCheckpointNote,
} from './tlog/index.ts';
import { fetchTree } from './db-tree.ts';
import { entryOf } from './log-entry.ts';
import type { LogKeys, OpenedLogKey } from './log-keys.ts';
import {
  dequeue, insertCheckpoint, insertNodes, latestCheckpoint, lockTreeSize, pendingEvents, readNodes, readTreeSize, setTreeSize,
  type StoredCheckpoint, type StoredNode,
} from './tlog-store.ts';
import type { TreeCache } from './tree-cache.ts';

/** Events per integration transaction: large enough to amortise, small enough not to hold PGlite's one connection long. */
export const DEFAULT_BATCH_SIZE = 2000;

export interface Sequencer {
  /** The signing key (created on first use); throws LogKeyUnavailable if the master key cannot open it. */
  open(): Promise<OpenedLogKey>;
  /** Integrate up to one batch of pending events in one transaction; returns how many. */
  integrateBatch(): Promise<number>;
  /** Integrate until nothing is pending; returns how many. */
  integrate(): Promise<number>;
  /**
   * Integrate batches for about `ms` milliseconds at most (so that a checkpoint can be signed in
   * between under sustained load); `more` says whether events were still pending.
   */
  integrateFor(ms: number): Promise<{ integrated: number; more: boolean }>;
  /** Sign a checkpoint of the whole tree if it grew since the last one (null otherwise). */
  signCheckpoint(): Promise<StoredCheckpoint | null>;
  /** One complete pass, for tests and shutdown: integrate everything, then sign. */
  runOnce(): Promise<{ integrated: number; checkpoint: StoredCheckpoint | null }>;
  /**
   * Copy the committed tree into the tree cache, if there is one (proofs then need no query). The
   * sequencer adds what it commits itself; this catches up with the rest (a start, another server).
   */
  fillTreeCache(): Promise<void>;
}

/**
 * The hashes to store when `leaves` are appended to a tree whose right border (the perfect
 * subtrees of [0, size), largest first) is `border`: each leaf, and each subtree it completes.
 * Pure; exported for tests.
 * @example appendLeaves([], 0, [h0, h1]) // [(0,0,h0), (0,1,h1), (1,0,H(h0,h1))]
 */
export function appendLeaves(border: StoredNode[], size: number, leaves: Uint8Array[]): StoredNode[] {
  const stack = [...border];
  const fresh: StoredNode[] = [];
  leaves.forEach((hash, i) => {
    let node: StoredNode = { level: 0, index: size + i, hash };
    fresh.push(node);
    // A node at an odd position is a right child: it completes its parent (RFC 9162 §2.1.1).
    while (node.index % 2 === 1) {
      const left = stack.pop();
      if (!left || left.level !== node.level || left.index !== node.index - 1) throw new Error(`tree border is broken at (level ${node.level}, index ${node.index})`);
      node = { level: node.level + 1, index: (node.index - 1) / 2, hash: hashChildren(left.hash, node.hash) };
      fresh.push(node);
    }
    stack.push(node);
  });
  return fresh;
}

/**
 * The sequencer of one database; `keys` gives the signing key.
 * @example const seq = createSequencer({ db, clock, keys }); await seq.runOnce();
 */
export function createSequencer(deps: { db: Database; clock: Clock; keys: LogKeys; batchSize?: number; tree?: TreeCache }): Sequencer {
  const { db, clock, keys, tree } = deps;
  const batchSize = deps.batchSize ?? DEFAULT_BATCH_SIZE;

  const integrateBatch = async () => {
    const { count, nodes } = await db.transaction(async (tx) => {
      const size = await lockTreeSize(tx);
      const events = await pendingEvents(tx, batchSize);
      if (events.length === 0) return { count: 0, nodes: [] };
      const borderIds = size === 0 ? [] : perfectSubtrees({ start: 0, end: size });
      // The border from the tree cache when it holds it (committed nodes never change); else one query.
      const stored = new Map<string, Uint8Array>();
      const missing = borderIds.filter((id) => {
        const hash = tree?.get(id.level, id.index);
        if (hash !== undefined) stored.set(`${id.level}/${id.index}`, hash);
        return hash === undefined;
      });
      if (missing.length > 0) for (const [k, v] of await readNodes(tx, missing)) stored.set(k, v);
      const border = borderIds.map((id) => {
        const hash = stored.get(`${id.level}/${id.index}`);
        if (!hash) throw new Error(`the tree store has no node (level ${id.level}, index ${id.index}) within size ${size}`);
        return { ...id, hash };
      });
      const leaves = events.map((e, i) => hashLeaf(encodeEntry(entryOf(e, size + i))));
      // Each leaf names its event: that is where an event's leaf index is recorded.
      const nodes = appendLeaves(border, size, leaves).map((n) => (n.level === 0 ? { ...n, seq: events[n.index - size]!.seq } : n));
      await insertNodes(tx, nodes);
      await dequeue(tx, events.map((e) => e.seq));
      await setTreeSize(tx, size + events.length);
      return { count: events.length, nodes };
    });
    // Only now, committed: a rolled-back batch's nodes must never reach the cache.
    tree?.addNodes(nodes);
    return count;
  };

  const integrateFor = async (ms: number) => {
    const until = performance.now() + ms;
    let integrated = 0;
    for (;;) {
      const n = await integrateBatch();
      integrated += n;
      if (n < batchSize) return { integrated, more: false };
      if (performance.now() >= until) return { integrated, more: true };
    }
  };

  const integrate = async () => (await integrateFor(Infinity)).integrated;

  const signCheckpoint = async (): Promise<StoredCheckpoint | null> => {
    const key = await keys.open();
    return db.transaction(async (tx) => {
      const size = await lockTreeSize(tx);
      const last = await latestCheckpoint(tx);
      if (size === 0 || last?.size === size) return null;
      // The previous checkpoint is trusted only with a valid signature of this log's key, and the
      // new one is signed only if the stored tree still has its root (checkpoint-guard.ts).
      const previous = last ? openCheckpoint(last.note, parseVerifierKey(key.verifierKey)) : undefined;
      const tree = await fetchTree(tx, size, [{ start: 0, end: previous?.size ?? 0 }, { start: 0, end: size }]);
      const checkpoint = nextCheckpoint(tree, previous, key.origin);
      const stored: StoredCheckpoint = { size, rootHash: checkpoint.rootHash, note: signCheckpointNote(checkpoint, key.signer), createdAt: clock.now() };
      await insertCheckpoint(tx, stored);
      return stored;
    });
  };

  return {
    open: () => keys.open(),
    integrateBatch,
    integrate,
    integrateFor,
    signCheckpoint,
    async runOnce() {
      const integrated = await integrate();
      return { integrated, checkpoint: await signCheckpoint() };
    },
    async fillTreeCache() {
      if (tree) await tree.fill(db, await readTreeSize(db));
    },
  };
}
