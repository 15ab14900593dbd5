/** @module bench/tlog/inclusion-proof — inclusion-proof generation time at 1,000,000 leaves with the in-memory tree (p50/p99). */
import { createHash } from 'node:crypto';
import { hashLeaf } from '../../src/modules/audit/tlog/merkle-hash.ts';
import { inclusionProof } from '../../src/modules/audit/tlog/merkle-proof.ts';
import { verifyInclusion } from '../../src/modules/audit/tlog/merkle-verify.ts';
import { MemoryTree } from '../../src/modules/audit/tlog/memory-tree.ts';

const LEAVES = Number(process.env.LEAVES ?? 1_000_000);
const SAMPLES = Number(process.env.SAMPLES ?? 20_000);

const t0 = performance.now();
const tree = new MemoryTree();
const buf = Buffer.alloc(8);
for (let i = 0; i < LEAVES; i++) {
  buf.writeBigUInt64BE(BigInt(i));
  tree.append(hashLeaf(buf));
}
const buildMs = performance.now() - t0;
const root = tree.root();

// Deterministic pseudo-random indices (same run to run), plus both edges of the tree.
const seed = createHash('sha256').update('bench').digest();
let state = seed.readUInt32BE(0);
const next = (): number => {
  state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
  return state % LEAVES;
};
for (let i = 0; i < 1000; i++) inclusionProof(tree, next(), LEAVES); // warm-up

const times: number[] = [];
for (let s = 0; s < SAMPLES; s++) {
  const index = s === 0 ? 0 : s === 1 ? LEAVES - 1 : next();
  const start = process.hrtime.bigint();
  const proof = inclusionProof(tree, index, LEAVES);
  times.push(Number(process.hrtime.bigint() - start) / 1e6);
  if (s % 1000 === 0 && !verifyInclusion(index, LEAVES, tree.leafHash(index), proof, root)) throw new Error(`proof ${index} failed`);
}
times.sort((a, b) => a - b);
const q = (p: number): string => (times[Math.min(times.length - 1, Math.floor(p * times.length))] as number).toFixed(4);
console.log(JSON.stringify({
  benchmark: 'inclusion-proof',
  leaves: LEAVES,
  samples: SAMPLES,
  buildSeconds: +(buildMs / 1000).toFixed(2),
  p50ms: q(0.5),
  p99ms: q(0.99),
  maxms: (times[times.length - 1] as number).toFixed(4),
  proofLength: inclusionProof(tree, 12345, LEAVES).length,
}));
