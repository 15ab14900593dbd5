/**
 * @module bench/tlog/verify-bundle — offline bundle verification speed (events/s) on a generated
 * bundle of 1,000,000 events: the default mode (lines hashed on worker threads), the same on one
 * thread, and strict mode. Wall clock and per CPU-second (process.cpuUsage counts every thread of
 * the process), with the load average before and after each mode.
 *
 * Usage: npx tsx bench/tlog/verify-bundle.ts   (EVENTS, CHECKPOINT_EVERY, RUNS=3)
 */
import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { BUNDLE_FILES, writeBundle } from '../../src/modules/audit/tlog/bundle.ts';
import { signCheckpoint } from '../../src/modules/audit/tlog/checkpoint-note.ts';
import { CompactRange } from '../../src/modules/audit/tlog/compact-range.ts';
import { encodeEntry } from '../../src/modules/audit/tlog/entry.ts';
import { sampleEntry } from '../../src/modules/audit/tlog/log-fixture.test-support.ts';
import { hashLeaf } from '../../src/modules/audit/tlog/merkle-hash.ts';
import { formatVerifierKey, generateSignerKey } from '../../src/modules/audit/tlog/note-key.ts';
import { verifyBundle } from '../../src/modules/audit/tlog/verify-bundle.ts';

const EVENTS = Number(process.env.EVENTS ?? 1_000_000);
const EVERY = Number(process.env.CHECKPOINT_EVERY ?? 100_000);
const dir = join(import.meta.dirname, '../.work/tlog-bundle-' + EVENTS);

async function generate(): Promise<void> {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const signer = generateSignerKey('bench.palisade.example/audit');
  const range = new CompactRange();
  const checkpoints: string[] = [];
  for (let i = 0; i < EVENTS; i++) {
    range.append(hashLeaf(encodeEntry(sampleEntry(i))));
    if (range.size % EVERY === 0 || range.size === EVENTS) {
      checkpoints.push(signCheckpoint({ origin: signer.name, size: range.size, rootHash: range.root(), extensions: [] }, signer));
    }
  }
  await writeBundle(dir, {
    verifierKey: formatVerifierKey(signer),
    entries: (function* () {
      for (let i = 0; i < EVENTS; i++) yield sampleEntry(i);
    })(),
    checkpoints,
  });
}

const manifestPath = join(dir, BUNDLE_FILES.manifest);
const reuse = existsSync(manifestPath) && (JSON.parse(readFileSync(manifestPath, 'utf8')) as { treeSize: number }).treeSize === EVENTS;
if (!reuse) {
  const t = performance.now();
  await generate();
  console.error(`generated ${EVENTS} events in ${((performance.now() - t) / 1000).toFixed(1)} s`);
}
const bytes = statSync(join(dir, BUNDLE_FILES.events)).size;
const modes = [
  { name: 'default (worker threads)', options: {} },
  { name: 'default, one thread', options: { parallel: false } },
  { name: 'strict (every entry decoded)', options: { strict: true } },
] as const;
for (const { name, options } of modes) {
  const runs: number[] = [];
  const cpu: number[] = [];
  const load0 = loadavg()[0]!;
  for (let r = 0; r < Number(process.env.RUNS ?? 3); r++) {
    const t = performance.now();
    const c = process.cpuUsage();
    const report = await verifyBundle(dir, options);
    const s = (performance.now() - t) / 1000;
    const used = process.cpuUsage(c);
    cpu.push((used.user + used.system) / 1e6);
    if (!report.ok || report.verifiedSize !== EVENTS) throw new Error(`bundle did not verify: ${JSON.stringify(report.problems.slice(0, 3))}`);
    runs.push(s);
  }
  runs.sort((a, b) => a - b);
  console.log(JSON.stringify({
    benchmark: 'verify-bundle',
    mode: name,
    node: process.version,
    cpus: availableParallelism(),
    events: EVENTS,
    eventsFileMiB: +(bytes / 2 ** 20).toFixed(1),
    checkpoints: Math.ceil(EVENTS / EVERY),
    seconds: runs.map((s) => +s.toFixed(2)),
    eventsPerSecondBest: Math.round(EVENTS / (runs[0] as number)),
    eventsPerSecondMedian: Math.round(EVENTS / (runs[Math.floor(runs.length / 2)] as number)),
    // The machine is shared: events per second of CPU time the verifier actually got (all threads).
    eventsPerCpuSecond: Math.round(EVENTS / Math.min(...cpu)),
    cpuSecondsPerRun: cpu.map((c) => +c.toFixed(2)),
    loadAverage: [+load0.toFixed(2), +loadavg()[0]!.toFixed(2)],
  }));
}
