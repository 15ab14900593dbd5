/**
 * @module bench/scanner/throughput — scanning speed on real source, in one run:
 *  1. a tree with at least 200 MiB of text, built from copies of this repository's node_modules (renamed,
 *     so no tool skips it by name), scanned by Palisade on one thread, twice;
 *  2. secretlint (recommended preset) on the same tree, with its always-on profiler switched off
 *     (secretlint-unprofiled.mjs: secretlint 12's profiler makes one run cost the square of the number of
 *     files, secretlint/secretlint#1653) — secretlint's own scanning speed;
 *  3. secretlint as shipped on a fixed subset (`copy0/pkgs/lodash` and `copy0/pkgs/zod`, 1,891 files), and
 *     Palisade on the same subset: as shipped it would take hours on the whole tree;
 *  4. a generated repository with 10,000 commits, its whole history scanned by Palisade.
 * The machine is shared, so each step reports wall-clock time, the CPU time it received (Palisade:
 * process.cpuUsage; secretlint and git: the children's CPU time from /proc/self/stat) and the load average.
 *
 *   npx tsx bench/scanner/throughput.ts [--skip-secretlint] [--skip-history]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { createScanner } from '../../src/modules/scanner/scanner.ts';
import { fillTemplate } from '../../src/modules/scanner/testing/fake.ts';
import { seededRandom } from '../../src/modules/scanner/testing/random.ts';

const WORK = resolve('bench/.work');
const TREE = join(WORK, 'scan-tree');
/** The subset for secretlint as shipped: two packages of the first copy. */
const SUBSET = ['lodash', 'zod'].map((p) => join(TREE, 'copy0', 'pkgs', p));
const REPO = join(WORK, 'scan-history');
const MIN_TEXT_BYTES = 200 * 1024 * 1024;
const MiB = 1024 * 1024;
const args = new Set(process.argv.slice(2));

/** Seconds of CPU used by waited-for children (and theirs), from /proc/self/stat (cutime + cstime). */
function childCpuSeconds(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
  const ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
  return (Number(fields[13]) + Number(fields[14])) / ticks;
}
const load = () => loadavg().map((l) => l.toFixed(1)).join(' ');

interface Measure {
  what: string;
  wallSeconds: number;
  /** CPU time of this process (Palisade) or of the waited-for child processes (secretlint), by `cpuOf`. */
  cpuSeconds: number;
  /** CPU time of child processes in the same interval (git for the history scan). */
  childCpuSeconds: number;
  loadBefore: string;
  loadAfter: string;
}

async function measure<T>(what: string, run: () => Promise<T> | T, cpuOf: 'self' | 'children'): Promise<{ result: T; m: Measure }> {
  const loadBefore = load();
  const self0 = process.cpuUsage();
  const children0 = childCpuSeconds();
  const t0 = performance.now();
  const result = await run();
  const wallSeconds = (performance.now() - t0) / 1000;
  const self = process.cpuUsage(self0);
  const children = childCpuSeconds() - children0;
  const cpuSeconds = cpuOf === 'self' ? (self.user + self.system) / 1e6 : children;
  return { result, m: { what, wallSeconds, cpuSeconds, childCpuSeconds: children, loadBefore, loadAfter: load() } };
}

async function ensureTree(): Promise<void> {
  mkdirSync(TREE, { recursive: true });
  const scanner = createScanner({ useIgnoreFiles: false });
  for (let copy = readdirSync(TREE).length; (await scanner.scanPath(TREE)).stats.bytes < MIN_TEXT_BYTES; copy++) {
    cpSync(resolve('node_modules'), join(TREE, `copy${copy}`, 'pkgs'), { recursive: true });
  }
}

function buildHistory(commits: number): void {
  if (existsSync(join(REPO, 'HEAD')) || existsSync(join(REPO, '.git'))) return;
  mkdirSync(REPO, { recursive: true });
  execFileSync('git', ['init', '-q', REPO]);
  // git fast-import: one stream, 10,000 commits in seconds. Each commit edits a few source-like files;
  // one in fifty adds a fake secret.
  const random = seededRandom(99);
  const parts: string[] = [];
  for (let i = 1; i <= commits; i++) {
    const files: string[] = [];
    for (let f = 0; f < 3; f++) {
      const lines = [`// module ${i}-${f}`, `export function handler${i}_${f}(req, res) {`, `  const id = req.params.id ?? '${fillTemplate('{hex:12}', random).text}';`, `  return res.json({ id, version: ${i} });`, '}'];
      if (f === 0 && i % 50 === 0) lines.push(`const token = '${fillTemplate('ghp_{alnum:36}', random).text}';`);
      const body = lines.join('\n') + '\n';
      files.push(`M 644 inline src/mod${i % 400}/file${f}.js\ndata ${Buffer.byteLength(body)}\n${body}`);
    }
    const msg = `change ${i}\n`;
    parts.push(
      `commit refs/heads/main\nmark :${i}\nauthor Dev ${i % 7} <dev${i % 7}@acme.io> ${1700000000 + i * 60} +0000\ncommitter Dev <dev@acme.io> ${1700000000 + i * 60} +0000\ndata ${msg.length}\n${msg}${i > 1 ? `from :${i - 1}\n` : ''}${files.join('')}\n`,
    );
  }
  execFileSync('git', ['-C', REPO, 'fast-import', '--quiet'], { input: parts.join('') });
}

/** Runs secretlint (as shipped, or with its profiler off) on `glob`; returns its exit status. */
function secretlint(glob: string, output: string, shipped: boolean): number | null {
  const rc = join(WORK, 'secretlintrc.json');
  writeFileSync(rc, JSON.stringify({ rules: [{ id: '@secretlint/secretlint-rule-preset-recommend' }] }));
  const entry = shipped ? resolve('node_modules/secretlint/bin/secretlint.js') : resolve('bench/scanner/secretlint-unprofiled.mjs');
  // `unix`: one line per finding. The JSON format embeds every file's source, hundreds of MiB here.
  const run = spawnSync(process.execPath, [entry, '--secretlintrc', rc, '--format', 'unix', '--output', output, glob], {
    stdio: 'ignore',
    env: { ...process.env, NODE_OPTIONS: '--max-old-space-size=4096' },
  });
  return run.status;
}

/** Findings in a secretlint `unix` report: lines of the form `path:line:column: message [Error/rule]`. */
const secretlintFindings = (output: string): number =>
  existsSync(output) ? readFileSync(output, 'utf8').split('\n').filter((l) => /:\d+:\d+: .*\[Error\//.test(l)).length : 0;

const report = (m: Measure, mib: number) =>
  `${m.what}: ${mib.toFixed(1)} MiB in ${m.wallSeconds.toFixed(1)} s wall (${(mib / m.wallSeconds).toFixed(1)} MiB/s), ` +
  `${m.cpuSeconds.toFixed(1)} s CPU (${(mib / m.cpuSeconds).toFixed(1)} MiB per CPU-second); load ${m.loadBefore} → ${m.loadAfter}`;

await ensureTree();
const scanner = createScanner({ useIgnoreFiles: false });
const results: Record<string, unknown> = {
  cpu: readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/)?.[1] ?? 'unknown',
  nproc: cpus().length,
  node: process.version,
};

// Palisade, whole tree, twice (the first run includes compiling the regexes and warming up the JIT).
for (const run of [1, 2]) {
  const { result, m } = await measure(`palisade tree run ${run}`, () => scanner.scanPath(TREE), 'self');
  const textMiB = result.stats.bytes / MiB;
  console.log(report(m, textMiB), `— ${result.stats.files} text files, ${result.stats.skippedBinary} binary, ${result.stats.skippedLarge} large, ${result.findings.length} findings`);
  results[`palisadeTree${run}`] = { ...m, textMiB, stats: result.stats, findings: result.findings.length };
}

if (!args.has('--skip-secretlint')) {
  const tree = (results.palisadeTree2 as { textMiB: number; wallSeconds: number; cpuSeconds: number });
  const unprofiled = await measure('secretlint, profiler off, whole tree', () => secretlint(`${TREE}/**/*`, join(WORK, 'secretlint-tree.txt'), false), 'children');
  console.log(report(unprofiled.m, tree.textMiB), `(exit ${unprofiled.result}, ${secretlintFindings(join(WORK, 'secretlint-tree.txt'))} findings; same files as Palisade)`);
  console.log(`ratio on the whole tree: Palisade is ${(unprofiled.m.wallSeconds / tree.wallSeconds).toFixed(1)}x faster by wall clock, ${(unprofiled.m.cpuSeconds / tree.cpuSeconds).toFixed(1)}x by CPU time`);
  results.secretlintUnprofiledTree = { ...unprofiled.m, textMiB: tree.textMiB, exit: unprofiled.result };

  const palisadeSubset = await measure('palisade on the subset', async () => {
    const parts = [];
    for (const dir of SUBSET) parts.push(await scanner.scanPath(dir));
    return { bytes: parts.reduce((n, p) => n + p.stats.bytes, 0), files: parts.reduce((n, p) => n + p.stats.files + p.stats.skippedBinary, 0) };
  }, 'self');
  const subsetMiB = palisadeSubset.result.bytes / MiB;
  console.log(report(palisadeSubset.m, subsetMiB), `— ${palisadeSubset.result.files} files`);
  const shipped = await measure('secretlint as shipped, subset', () => secretlint(`${join(TREE, 'copy0', 'pkgs')}/{lodash,zod}/**/*`, join(WORK, 'secretlint-subset.txt'), true), 'children');
  console.log(report(shipped.m, subsetMiB), `(exit ${shipped.result}, ${secretlintFindings(join(WORK, 'secretlint-subset.txt'))} findings)`);
  console.log(`ratio on the subset: Palisade is ${(shipped.m.wallSeconds / palisadeSubset.m.wallSeconds).toFixed(1)}x faster by wall clock, ${(shipped.m.cpuSeconds / palisadeSubset.m.cpuSeconds).toFixed(1)}x by CPU time`);
  results.palisadeSubset = { ...palisadeSubset.m, textMiB: subsetMiB, files: palisadeSubset.result.files };
  results.secretlintShippedSubset = { ...shipped.m, textMiB: subsetMiB, exit: shipped.result };
}

if (!args.has('--skip-history')) {
  buildHistory(10_000);
  const commits = Number(execFileSync('git', ['-C', REPO, 'rev-list', '--count', '--all'], { encoding: 'utf8' }).trim());
  const own = await measure('history (Palisade process)', () => scanner.scanGitHistory(REPO), 'self');
  const history = own.result;
  const mib = history.stats.bytes / MiB;
  console.log(
    report(own.m, mib),
    `— ${commits} commits in the repository, ${history.stats.commits} read (${(history.stats.commits / own.m.wallSeconds).toFixed(0)} commits/s), ` +
      `git log used ${own.m.childCpuSeconds.toFixed(1)} s CPU in its own process, ${history.findings.length} findings`,
  );
  results.history = { ...own.m, commits, read: history.stats.commits, addedMiB: mib, findings: history.findings.length };
}

writeFileSync(join(WORK, 'scanner-throughput.json'), JSON.stringify(results, null, 2));
