/**
 * @module bench/scanner/throughput — scanning speed on real source: a tree of at least 200 MB built from
 * copies of this repository's node_modules (renamed, so no tool skips it by name), scanned by Palisade on
 * one thread and by secretlint in the same run; then a generated repository with 10,000+ commits.
 *
 *   npx tsx bench/scanner/throughput.ts [--skip-secretlint]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { createScanner } from '../../src/modules/scanner/scanner.ts';
import { fillTemplate } from '../../src/modules/scanner/testing/fake.ts';
import { seededRandom } from '../../src/modules/scanner/testing/random.ts';

const WORK = resolve('bench/.work');
const TREE = join(WORK, 'scan-tree');
const REPO = join(WORK, 'scan-history');
const MIN_BYTES = 200 * 1024 * 1024;

function treeBytes(dir: string): { bytes: number; files: number } {
  const out = execFileSync('find', [dir, '-type', 'f', '-printf', '%s\\n'], { encoding: 'utf8', maxBuffer: 1 << 30 });
  const sizes = out.split('\n').filter(Boolean).map(Number);
  return { bytes: sizes.reduce((a, b) => a + b, 0), files: sizes.length };
}

function buildTree(): { bytes: number; files: number } {
  if (!existsSync(TREE)) {
    mkdirSync(TREE, { recursive: true });
    for (let copy = 0; treeBytes(TREE).bytes < MIN_BYTES; copy++) cpSync(resolve('node_modules'), join(TREE, `copy${copy}`, 'pkgs'), { recursive: true });
  }
  return treeBytes(TREE);
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

const { bytes, files } = buildTree();
const mb = bytes / (1024 * 1024);
console.log(`tree: ${files} files, ${mb.toFixed(1)} MiB`);

// Palisade: default credential rules, one thread, ignore files off so every tool reads the same files.
const scanner = createScanner({ useIgnoreFiles: false });
const t0 = performance.now();
const result = await scanner.scanPath(TREE);
const palisadeSeconds = (performance.now() - t0) / 1000;
console.log(`palisade: ${palisadeSeconds.toFixed(1)} s, ${(mb / palisadeSeconds).toFixed(1)} MiB/s, ${result.findings.length} findings, ${result.stats.files} text files, ${result.stats.skippedBinary} binary, ${result.stats.skippedLarge} large skipped`);

let secretlintSeconds: number | null = null;
if (!process.argv.includes('--skip-secretlint')) {
  const rc = join(WORK, 'secretlintrc.json');
  writeFileSync(rc, JSON.stringify({ rules: [{ id: '@secretlint/secretlint-rule-preset-recommend' }] }));
  const t1 = performance.now();
  const run = spawnSync('npx', ['secretlint', '--secretlintrc', rc, '--format', 'json', '--output', join(WORK, 'secretlint-tree.json'), `${TREE}/**/*`], {
    stdio: 'ignore',
    env: { ...process.env, NODE_OPTIONS: '--max-old-space-size=4096' },
  });
  secretlintSeconds = (performance.now() - t1) / 1000;
  console.log(`secretlint: ${secretlintSeconds.toFixed(1)} s, ${(mb / secretlintSeconds).toFixed(1)} MiB/s (exit ${run.status}); palisade is ${(secretlintSeconds / palisadeSeconds).toFixed(1)}x faster`);
}

buildHistory(10_000);
const commits = Number(execFileSync('git', ['-C', REPO, 'rev-list', '--count', '--all'], { encoding: 'utf8' }).trim());
const t2 = performance.now();
const history = await scanner.scanGitHistory(REPO);
const historySeconds = (performance.now() - t2) / 1000;
const historyMb = history.stats.bytes / (1024 * 1024);
console.log(`history: ${commits} commits, ${history.stats.commits} read, ${historyMb.toFixed(1)} MiB added lines, ${historySeconds.toFixed(1)} s (${(history.stats.commits / historySeconds).toFixed(0)} commits/s), ${history.findings.length} findings`);

const cpu = readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/)?.[1] ?? 'unknown';
writeFileSync(
  join(WORK, 'scanner-throughput.json'),
  JSON.stringify({ mb, files, palisadeSeconds, secretlintSeconds, commits, historySeconds, historyFindings: history.findings.length, cpu, nproc: cpus().length, node: process.version, treeSize: statSync(TREE).size }, null, 2),
);
