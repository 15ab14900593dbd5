/**
 * @module audit/tlog/leaf-hash-pool — leaf hashes (RFC 9162 §2.1.1 `SHA-256(0x00 || line)`) of many
 * event lines on worker threads, so that a verifier uses more than one core: the workers hash the
 * lines and read their `index` field, the calling thread builds the tree from the hashes in order.
 */
import { Worker } from 'node:worker_threads';

/** What a worker returns for one block of lines. */
export interface HashedLines {
  /** 32 bytes per line, in line order. */
  readonly leaves: Uint8Array;
  /** The `index` each line claims (read as bundle-scan.ts's peekIndex does), -1 when none is readable. */
  readonly claimed: Float64Array;
}

export interface LeafHashPool {
  /**
   * Hash the lines of `bytes` (it is handed over to a worker: do not use it afterwards); line i
   * ends (exclusive, without its newline) at `ends[i]` and starts after the previous line's newline.
   */
  hash(bytes: Uint8Array, ends: Int32Array): Promise<HashedLines>;
  close(): Promise<void>;
}

// Plain JavaScript evaluated by the worker: no loader needed (the CLI runs TypeScript through tsx's
// loader, which worker threads do not inherit). peek() is bundle-scan.ts's peekIndex, byte for
// byte in behaviour; bundle-scan.test.ts checks both paths give the same answers.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { hash } = require('node:crypto');
const TOKEN = Buffer.from(',"index":');
function peek(buf, start, end) {
  const at = buf.lastIndexOf(TOKEN, end - 1);
  if (at < start) return -1;
  let n = 0;
  let i = at + TOKEN.length;
  const first = i;
  for (; i < end; i++) {
    const c = buf[i];
    if (c < 0x30 || c > 0x39) break;
    n = n * 10 + (c - 0x30);
  }
  if (i === first || i - first > 16 || buf[i] !== 0x2c || (buf[first] === 0x30 && i - first > 1)) return -1;
  return n;
}
let scratch = Buffer.alloc(4096);
parentPort.on('message', ({ id, bytes, ends }) => {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const leaves = new Uint8Array(ends.length * 32);
  const claimed = new Float64Array(ends.length);
  let start = 0;
  for (let i = 0; i < ends.length; i++) {
    const end = ends[i];
    if (scratch.length < end - start + 1) scratch = Buffer.alloc(Math.max(end - start + 1, scratch.length * 2));
    scratch[0] = 0;
    buf.copy(scratch, 1, start, end);
    leaves.set(hash('sha256', scratch.subarray(0, end - start + 1), 'buffer'), i * 32);
    claimed[i] = peek(buf, start, end);
    start = end + 1;
  }
  parentPort.postMessage({ id, leaves, claimed }, [leaves.buffer, claimed.buffer]);
});
`;

/**
 * A pool of `threads` workers; blocks go round-robin and come back as promises.
 * @example const pool = createLeafHashPool(2); const { leaves } = await pool.hash(bytes, ends); await pool.close();
 */
export function createLeafHashPool(threads: number): LeafHashPool {
  const pending = new Map<number, { resolve: (r: HashedLines) => void; reject: (e: Error) => void }>();
  const workers = Array.from({ length: Math.max(1, threads) }, () => {
    const w = new Worker(WORKER_SOURCE, { eval: true });
    w.on('message', (m: { id: number; leaves: Uint8Array; claimed: Float64Array }) => {
      const p = pending.get(m.id);
      pending.delete(m.id);
      p?.resolve({ leaves: m.leaves, claimed: m.claimed });
    });
    w.on('error', (err) => {
      for (const p of pending.values()) p.reject(err);
      pending.clear();
    });
    return w;
  });
  let next = 0;
  return {
    hash(bytes, ends) {
      const id = next++;
      const worker = workers[id % workers.length] as Worker;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker.postMessage({ id, bytes, ends }, [bytes.buffer as ArrayBuffer, ends.buffer as ArrayBuffer]);
      });
    },
    async close() {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
