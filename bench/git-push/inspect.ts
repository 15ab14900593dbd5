/**
 * @module bench/git-push/inspect — what push inspection costs: a push of about 100 MB of new text files
 * (a thin pack on top of existing history) through the inspector, against git's own work on the same push
 * (index-pack alone). Reports wall time, CPU time and the peak resident memory of this process, which must
 * stay flat (the body is spooled to disk, the pack indexed by git, the scan streamed from git log).
 *
 *   npx tsx bench/git-push/inspect.ts [MB]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, createReadStream, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestDatabase } from '../../src/db/test-db.ts';
import { newId } from '../../src/core/ids.ts';
import { encodePktLine, FLUSH_PKT } from '../../src/modules/git-gateway/protocol/pkt-line.ts';
import { createPushInspector } from '../../src/modules/git-gateway/push/inspect-push.ts';
import { seededRandom } from '../../src/modules/scanner/testing/random.ts';

async function measure(root: string, body: string, bare: string): Promise<void> {
  const t = await createTestDatabase();
  const ownerId = newId();
  await t.db.query("INSERT INTO people (id, handle, name, email, kind, role, time_zone, working_hours, status, created_at, updated_at) VALUES ($1, 'o', 'O', 'o@x.test', 'member', 'approver', 'UTC', '{}', 'active', now(), now())", [ownerId]);
  const resourceId = newId();
  await t.db.query("INSERT INTO resources (id, name, kind, environment, sensitivity, owner_id, labels, status, created_at, updated_at) VALUES ($1, 'bench', 'git_repository', 'development', 'internal', $2, '{}', 'active', now(), now())", [resourceId, ownerId]);
  const inspector = createPushInspector({ db: t.db, tmpDir: root });

  // PGlite (the in-process database) accounts for most of the resident memory; the JS heap shows the inspector's own.
  const heap = () => { const m = process.memoryUsage(); return m.heapUsed + m.external; };
  let peak = process.memoryUsage().rss;
  let peakHeap = heap();
  const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); peakHeap = Math.max(peakHeap, heap()); }, 20);
  const rssBefore = process.memoryUsage().rss;
  const heapBefore = heap();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const inspection = await inspector.inspect({
    resource: { id: resourceId, name: 'bench' }, baseRepoDir: bare, pusher: { id: ownerId, handle: 'o', kind: 'member' },
    body: createReadStream(body), maxBodyBytes: 4 * 2 ** 30,
  });
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  clearInterval(sampler);
  console.log(`inspect: ${(wall / 1000).toFixed(2)} s wall, ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s CPU in this process (git runs in children); ` +
    `refused: ${inspection.refused.length}, findings: ${inspection.findings.length}`);
  console.log(`memory: rss ${(rssBefore / 1e6).toFixed(0)} MB before, peak ${(peak / 1e6).toFixed(0)} MB during; ` +
    `JS heap + external ${(heapBefore / 1e6).toFixed(0)} MB before, peak ${(peakHeap / 1e6).toFixed(0)} MB during`);
  await inspection.cleanup();
  await t.drop();
}

if (process.argv[2] === '--measure') {
  await measure(process.argv[3]!, process.argv[4]!, process.argv[5]!);
  process.exit(0);
}

const megabytes = Number(process.argv[2] ?? 100);
const root = mkdtempSync(join(tmpdir(), 'palisade-bench-push-'));
const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', args, { cwd, encoding: 'utf8', maxBuffer: 1 << 30, env: { ...process.env, GIT_AUTHOR_NAME: 'B', GIT_AUTHOR_EMAIL: 'b@x', GIT_COMMITTER_NAME: 'B', GIT_COMMITTER_EMAIL: 'b@x' } }).trim();

/** Source-like text: identifiers, numbers, an occasional `password = …` that is a placeholder. */
function textFile(rand: ReturnType<typeof seededRandom>, bytes: number): string {
  const words = ['const', 'value', 'return', 'function', 'config', 'token_url', 'password_field', 'items', 'index', 'await', 'export'];
  const lines: string[] = [];
  let size = 0;
  while (size < bytes) {
    const n = 4 + rand.int(8);
    const line = Array.from({ length: n }, () => rand.pick(words) + rand.int(1000)).join(' ');
    lines.push(line);
    size += line.length + 1;
  }
  return lines.join('\n') + '\n';
}

const rand = seededRandom(7);
const work = join(root, 'work');
const bare = join(root, 'base.git');
mkdirSync(work);
git(work, 'init', '-q', '-b', 'main');
for (let i = 0; i < 20; i++) writeFileSync(join(work, `base-${i}.txt`), textFile(rand, 500_000));
git(work, 'add', '-A');
git(work, 'commit', '-q', '-m', 'base');
git(root, 'clone', '-q', '--bare', work, bare);
const base = git(work, 'rev-parse', 'HEAD');
// The push: 10 commits adding ~megabytes of text between them, and touching the base files (deltas: a thin pack).
for (let c = 0; c < 10; c++) {
  for (let i = 0; i < 10; i++) writeFileSync(join(work, `new-${c}-${i}.txt`), textFile(rand, (megabytes * 1_000_000) / 100));
  writeFileSync(join(work, `base-${c}.txt`), textFile(rand, 1000), { flag: 'a' });
  git(work, 'add', '-A');
  git(work, 'commit', '-q', '-m', `commit ${c}`);
}
const tip = git(work, 'rev-parse', 'HEAD');
const body = join(root, 'body');
const commands = Buffer.concat([encodePktLine(`${base} ${tip} refs/heads/main\0report-status side-band-64k\n`), FLUSH_PKT]);
writeFileSync(body, commands);
const out = openSync(body, 'a');
spawnSync('git', ['pack-objects', '--revs', '--thin', '--stdout', '-q'], { cwd: work, input: `${tip}\n^${base}\n`, stdio: ['pipe', out, 'inherit'] });
closeSync(out);
console.log(`push: ${(statSync(body).size / 1e6).toFixed(1)} MB body, ${megabytes} MB of new text in 10 commits`);
// Measured in a fresh process, so that its memory is the inspector's alone.
execFileSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--measure', root, body, bare], { stdio: 'inherit' });
const pack = readFileSync(body).subarray(commands.length);

// git's own cost for the same push: index-pack --fix-thin of the pack into the base repository's quarantine.
const q = join(root, 'q');
mkdirSync(join(q, 'pack'), { recursive: true });
const t1 = performance.now();
spawnSync('git', ['-C', bare, 'index-pack', '--stdin', '--fix-thin'], { input: pack, env: { ...process.env, GIT_OBJECT_DIRECTORY: q, GIT_ALTERNATE_OBJECT_DIRECTORIES: join(bare, 'objects') } });
console.log(`git index-pack alone: ${((performance.now() - t1) / 1000).toFixed(2)} s wall`);
rmSync(root, { recursive: true, force: true });
