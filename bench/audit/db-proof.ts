/**
 * @module bench/audit/db-proof — inclusion-proof generation time from the DATABASE tree store at
 * 1,000,000 leaves, as the server makes them: with the tree cache (audit/tree-cache.ts) filled from
 * the database, proofs folded from memory; and without it ("uncached"), one query for the O(log n)
 * subtree hashes a proof needs (audit/db-tree.ts). The tree's rows are written directly (leaf and
 * subtree hashes of a MemoryTree), as the sequencer would have stored them. PGlite in a fresh folder
 * by default; a fresh database on the server named by DATABASE_URL otherwise.
 *
 * Usage: npx tsx bench/audit/db-proof.ts                                  (PGlite)
 *        scripts/with-postgres.sh npx tsx bench/audit/db-proof.ts         (PostgreSQL)
 * LEAVES (default 1000000), SAMPLES (default 2000), CACHE_MB (default: the server's default).
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import type { Database } from '../../src/db/database.ts';
import { migrate } from '../../src/db/migrate.ts';
import { openPglite } from '../../src/db/pglite.ts';
import { openPostgres } from '../../src/db/postgres.ts';
import { createEmptyPostgresDatabase } from '../../src/db/test-db.ts';
import { consistencyProofFromStore, inclusionProofFromStore } from '../../src/modules/audit/db-tree.ts';
import { insertNodes, setTreeSize, type StoredNode } from '../../src/modules/audit/tlog-store.ts';
import { createTreeCache, type TreeCache } from '../../src/modules/audit/tree-cache.ts';
import { hashLeaf, MemoryTree, verifyInclusion } from '../../src/modules/audit/tlog/index.ts';
import { serverCpuMeter } from './cpu.ts';
import { quantiles } from './stats.ts';

const LEAVES = Number(process.env.LEAVES ?? 1_000_000);
const SAMPLES = Number(process.env.SAMPLES ?? 2000);

const serverUrl = process.env.DATABASE_URL;
const folder = await mkdtemp(path.join(tmpdir(), 'palisade-bench-'));
const pgdb = serverUrl ? await createEmptyPostgresDatabase(serverUrl) : undefined;
const db: Database = pgdb ? await openPostgres(pgdb.url, 2) : await openPglite(path.join(folder, 'db'));
await migrate(db);

// Build the tree in memory, then store every node the sequencer would have stored.
let t = performance.now();
const tree = new MemoryTree();
const buf = Buffer.alloc(8);
for (let i = 0; i < LEAVES; i++) {
  buf.writeBigUInt64BE(BigInt(i));
  tree.append(hashLeaf(buf));
}
let pending: StoredNode[] = [];
const flush = async () => {
  const part = pending;
  pending = [];
  await db.transaction((tx) => insertNodes(tx, part));
};
for (let level = 0; 2 ** level <= LEAVES; level++) {
  const count = Math.floor(LEAVES / 2 ** level);
  for (let index = 0; index < count; index++) {
    pending.push(level === 0 ? { level, index, hash: tree.leafHash(index), seq: index + 1 } : { level, index, hash: tree.subtreeHash(level, index)! });
    if (pending.length === 20_000) await flush();
  }
}
await flush();
await db.transaction((tx) => setTreeSize(tx, LEAVES));
if (db.dialect === 'postgres') await db.query('VACUUM ANALYZE tlog_nodes');
const loadSeconds = (performance.now() - t) / 1000;

const seed = createHash('sha256').update('bench').digest();
let state = seed.readUInt32BE(0);
const next = (): number => {
  state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
  return state % LEAVES;
};
for (let i = 0; i < 200; i++) await inclusionProofFromStore(db, next(), LEAVES); // warm-up (the database's caches)

if (process.env.EXPLAIN && db.dialect === 'postgres') {
  const plan = await db.query<{ 'QUERY PLAN': string }>(
    `EXPLAIN ANALYZE SELECT n.level, n.idx, n.hash FROM unnest($1::int2[], $2::int8[]) AS k(level, idx) JOIN tlog_nodes n ON n.level = k.level AND n.idx = k.idx`,
    [[0, 1, 2, 3], [5, 3, 1, 0]],
  );
  console.error(plan.map((r) => r['QUERY PLAN']).join('\n'));
}

const root = tree.root();
const ms = (values: number[]) => {
  const { max } = quantiles(values);
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => +sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!.toFixed(3);
  return { p50ms: at(0.5), p90ms: at(0.9), p99ms: at(0.99), maxms: max };
};

/** SAMPLES inclusion proofs (both ends, then random leaves), every 100th verified; then 200 consistency proofs. */
async function measure(cache: TreeCache | undefined) {
  const load0 = loadavg()[0]!;
  const cpu0 = process.cpuUsage();
  const serverCpu = await serverCpuMeter(db);
  const times: number[] = [];
  const t0 = performance.now();
  for (let s = 0; s < SAMPLES; s++) {
    const index = s === 0 ? 0 : s === 1 ? LEAVES - 1 : next();
    const t = performance.now();
    const proof = await inclusionProofFromStore(db, index, LEAVES, cache);
    times.push(performance.now() - t);
    if (s % 100 === 0 && !verifyInclusion(index, LEAVES, tree.leafHash(index), proof, root)) throw new Error(`proof ${index} failed`);
  }
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const processCpuMs = (cpu.user + cpu.system) / 1000;
  const serverCpuMs = (serverCpu?.seconds() ?? 0) * 1000;
  const consistency: number[] = [];
  for (let s = 0; s < 200; s++) {
    const old = 1 + next();
    const t = performance.now();
    await consistencyProofFromStore(db, old, LEAVES, cache);
    consistency.push(performance.now() - t);
  }
  return {
    inclusion: ms(times),
    proofsPerSecond: Math.round(SAMPLES / (wall / 1000)),
    // CPU per proof: this process + the PostgreSQL server (its /proc counters tick every 10 ms, so
    // a fraction of a tick per proof is only an average over the run).
    cpuMsPerProof: { process: +(processCpuMs / SAMPLES).toFixed(4), database: +(serverCpuMs / SAMPLES).toFixed(4) },
    consistency: ms(consistency),
    loadAverage: [+load0.toFixed(2), +loadavg()[0]!.toFixed(2)],
  };
}

const uncached = await measure(undefined);
const cache = createTreeCache(process.env.CACHE_MB ? { maxBytes: Number(process.env.CACHE_MB) * 2 ** 20 } : {});
t = performance.now();
await cache.fill(db, LEAVES);
const fillSeconds = (performance.now() - t) / 1000;
const cached = await measure(cache);

console.log(JSON.stringify({
  benchmark: 'inclusion-proof-from-database',
  database: serverUrl ? 'postgres' : 'pglite',
  node: process.version,
  leaves: LEAVES,
  storedNodes: 2 * LEAVES - 1,
  loadSeconds: +loadSeconds.toFixed(1),
  samples: SAMPLES,
  cached: { ...cached, fillSeconds: +fillSeconds.toFixed(2), cache: cache.stats() },
  uncached,
}));
await db.close();
await pgdb?.drop();
await rm(folder, { recursive: true, force: true });
