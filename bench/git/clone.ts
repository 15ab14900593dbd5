/**
 * @module bench/git/clone — clone time through the git gateway vs `git http-backend` directly, same run.
 * A hosted repository with one pack of >= 100 MiB of incompressible blobs; sequential clones alternating
 * gateway/direct, then 8 concurrent clones of each; the gateway process's RSS sampled throughout.
 * Usage: node --import tsx bench/git/clone.ts [--mib 110] [--rounds 3] [--concurrency 8]
 * The gateway runs in this process (Palisade on PGlite, listening on loopback); the direct server is a child.
 */
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { createGitFixture } from '../../test/e2e/git-fixture.ts';

const run = promisify(execFile);
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const MIB = arg('mib', 110);
const ROUNDS = arg('rounds', 3);
const CONCURRENCY = arg('concurrency', 8);
const env = { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_CONFIG_NOSYSTEM: '1', HOME: '/nonexistent' };

const f = await createGitFixture();
const out = (s: string) => process.stdout.write(`${s}\n`);
try {
  out(`machine: ${cpus().length} x ${cpus()[0]?.model}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, node ${process.version}, ${(await run('git', ['--version'])).stdout.trim()}`);
  out(`load average at start: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);

  // 1. The repository: MIB files of 1 MiB random bytes (zlib cannot shrink them), one commit, one pack.
  const seed = join(f.work, 'seed');
  const t0 = performance.now();
  for (let i = 0; i < MIB; i++) await writeFile(join(seed, `blob-${String(i).padStart(4, '0')}.bin`), randomBytes(1024 * 1024));
  await run('git', ['add', '.'], { cwd: seed, env });
  await run('git', ['-c', 'user.name=b', '-c', 'user.email=b@x', 'commit', '-q', '-m', 'big'], { cwd: seed, env });
  await run('git', ['push', '-q', f.repoDir, 'main'], { cwd: seed, env, maxBuffer: 1 << 26 });
  await run('git', ['-C', f.repoDir, 'repack', '-a', '-d', '-q'], { env });
  const packDir = join(f.repoDir, 'objects', 'pack');
  const packs = (await readdir(packDir)).filter((p) => p.endsWith('.pack'));
  const packBytes = (await Promise.all(packs.map((p) => stat(join(packDir, p))))).reduce((a, s) => a + s.size, 0);
  out(`repository: ${packs.length} pack(s), ${(packBytes / 2 ** 20).toFixed(1)} MiB (made in ${((performance.now() - t0) / 1000).toFixed(1)} s)`);

  // 2. The direct server, in a child process, serving the same folder.
  const reposDir = dirname(dirname(f.repoDir));
  const direct = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'direct-server.ts'), reposDir], { stdio: ['ignore', 'pipe', 'inherit'] });
  const directBase = await new Promise<string>((resolve) => direct.stdout.once('data', (d: Buffer) => resolve(d.toString().trim())));
  const urls = { gateway: f.url('shop/web'), direct: `${directBase}/shop/web.git` };

  // 3. RSS of this process (the gateway) every 100 ms.
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  const rss: number[] = [];
  const sampler = setInterval(() => rss.push(process.memoryUsage().rss), 100);
  const rssBefore = process.memoryUsage().rss;

  const cloneOnce = async (which: 'gateway' | 'direct', n: number) => {
    const dir = join(f.work, 'clones', `${which}-${n}-${Math.random().toString(36).slice(2)}`);
    const started = performance.now();
    await run('git', ['clone', '-q', '--no-checkout', urls[which], dir], { env, maxBuffer: 1 << 26 });
    const ms = performance.now() - started;
    await rm(dir, { recursive: true, force: true });
    return ms;
  };
  await mkdir(join(f.work, 'clones'), { recursive: true });
  await cloneOnce('direct', 0); // warm the page cache for both
  const seq: Record<'gateway' | 'direct', number[]> = { gateway: [], direct: [] };
  for (let i = 0; i < ROUNDS; i++) {
    for (const which of (i % 2 === 0 ? ['gateway', 'direct'] : ['direct', 'gateway']) as ('gateway' | 'direct')[]) seq[which].push(await cloneOnce(which, i));
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  out(`sequential clones (${ROUNDS} each, alternating): gateway median ${(median(seq.gateway) / 1000).toFixed(2)} s [${seq.gateway.map((m) => (m / 1000).toFixed(2)).join(', ')}], direct median ${(median(seq.direct) / 1000).toFixed(2)} s [${seq.direct.map((m) => (m / 1000).toFixed(2)).join(', ')}], ratio ${(median(seq.gateway) / median(seq.direct)).toFixed(3)}`);
  const concurrent = async (which: 'gateway' | 'direct') => {
    const started = performance.now();
    await Promise.all(Array.from({ length: CONCURRENCY }, (_, i) => cloneOnce(which, 100 + i)));
    return performance.now() - started;
  };
  const phaseMax = () => (Math.max(...rss.splice(0)) / 2 ** 20).toFixed(0);
  const rssSequential = phaseMax();
  const cd1 = await concurrent('direct');
  const cg1 = await concurrent('gateway');
  const rssConcurrent1 = phaseMax();
  const cd2 = await concurrent('direct');
  const cg2 = await concurrent('gateway');
  const rssConcurrent2 = phaseMax();
  const cdirect = (cd1 + cd2) / 2;
  const cg = (cg1 + cg2) / 2;
  out(`${CONCURRENCY} concurrent clones, twice each (direct, gateway, direct, gateway): gateway ${(cg1 / 1000).toFixed(2)} s / ${(cg2 / 1000).toFixed(2)} s, direct ${(cd1 / 1000).toFixed(2)} s / ${(cd2 / 1000).toFixed(2)} s, ratio of means ${(cg / cdirect).toFixed(3)}`);
  out(`gateway process RSS max per phase: sequential ${rssSequential} MiB, first concurrent round ${rssConcurrent1} MiB, second concurrent round ${rssConcurrent2} MiB`);
  clearInterval(sampler);
  loopDelay.disable();
  out(`gateway event-loop delay during the clones: p50 ${(loopDelay.percentile(50) / 1e6).toFixed(1)} ms, p99 ${(loopDelay.percentile(99) / 1e6).toFixed(1)} ms, max ${(loopDelay.max / 1e6).toFixed(1)} ms`);
  out(`gateway process RSS: ${(rssBefore / 2 ** 20).toFixed(0)} MiB before the clones, ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB after; pack ${(packBytes / 2 ** 20).toFixed(0)} MiB, ${ROUNDS + CONCURRENCY * 2} clones through the gateway`);
  await f.t.services.gitGateway.settled();
  const [count] = await f.t.services.db.query<{ n: number }>("SELECT count(*)::int AS n FROM audit_events WHERE type = 'git.clone'");
  const n = count?.n ?? 0;
  out(`git.clone events recorded: ${n} (expected ${ROUNDS + 2 * CONCURRENCY})`);
  out(`load average at end: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  direct.kill('SIGTERM');
} finally {
  await f.close();
}
