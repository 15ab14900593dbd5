/**
 * @module bench/scanner/cpu-time — Palisade's throughput on the throughput tree per second of CPU time the
 * process received (robust on a shared machine), next to wall-clock time.
 *
 *   npx tsx bench/scanner/cpu-time.ts   (after throughput.ts has built bench/.work/scan-tree)
 */
import { resolve } from 'node:path';
import { createScanner } from '../../src/modules/scanner/scanner.ts';

const scanner = createScanner({ useIgnoreFiles: false });
for (let run = 1; run <= 2; run++) {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const { stats, findings } = await scanner.scanPath(resolve('bench/.work/scan-tree'));
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const mib = stats.bytes / (1024 * 1024);
  console.log(`run ${run}: ${mib.toFixed(1)} MiB of text in ${wall.toFixed(1)} s wall (${(mib / wall).toFixed(1)} MiB/s), ${cpuSeconds.toFixed(1)} s CPU (${(mib / cpuSeconds).toFixed(1)} MiB per CPU-second), ${findings.length} findings`);
}
