/**
 * @module git-gateway/push/quarantine — a push's objects kept apart from the repository until it is accepted,
 * as git's own receive-pack does (tmp-objdir): the pack is indexed into a folder of its own, with the base
 * repository's objects as an alternate, so thin packs resolve and nothing reaches the repository yet.
 */
import { spawn } from 'node:child_process';
import { createReadStream, existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ValidationError } from '../../../core/errors.ts';

export interface Quarantine {
  /** The base repository `git` runs in (`git -C`). */
  repoDir: string;
  /** Environment that makes `git` read (and write) the quarantine's objects plus the base repository's. */
  env: Record<string, string>;
}

/**
 * A quarantine in `dir/objects` over the bare (or working-tree) repository `baseRepoDir`.
 * @example const q = await createQuarantine('/tmp/push-1', '/srv/repos/app.git')
 */
export async function createQuarantine(dir: string, baseRepoDir: string): Promise<Quarantine> {
  const objects = resolve(dir, 'objects');
  await mkdir(join(objects, 'pack'), { recursive: true });
  const base = resolve(baseRepoDir);
  // A missing repository is the server's problem, not a malformed push: fail before git blames the pack.
  if (!existsSync(base)) throw new Error(`the repository folder ${base} does not exist`);
  const baseObjects = existsSync(join(base, 'objects')) ? join(base, 'objects') : join(base, '.git', 'objects');
  return { repoDir: base, env: { GIT_OBJECT_DIRECTORY: objects, GIT_ALTERNATE_OBJECT_DIRECTORIES: baseObjects } };
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `git -C repo args…` in the quarantine, with `stdin` piped in; output kept up to `maxOut` bytes. */
function git(q: Quarantine, args: string[], stdin?: NodeJS.ReadableStream | string, maxOut = 1 << 20): Promise<Run> {
  return new Promise((done, fail) => {
    const child = spawn('git', ['-C', q.repoDir, ...args], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, ...q.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      if (stdout.length < maxOut) stdout += c.toString('latin1');
    });
    child.stderr.on('data', (c: Buffer) => {
      if (stderr.length < 4096) stderr += c.toString('utf8');
    });
    // The child may exit before reading all of stdin (a damaged pack): that is its answer, not our error.
    child.stdin.on('error', () => {});
    child.on('error', (err) => fail(new Error(`cannot run git: ${err.message}`)));
    child.on('close', (code) => done({ code, stdout, stderr }));
    if (typeof stdin === 'string') child.stdin.end(stdin);
    else if (stdin) stdin.pipe(child.stdin);
    else child.stdin.end();
  });
}

/**
 * Indexes the pack that starts at `offset` in `file` into the quarantine (`git index-pack --stdin --fix-thin`:
 * bases of a thin pack come from the repository and are appended). A damaged or truncated pack is a ValidationError.
 * @example await indexPack(q, '/tmp/push-1/body', 154)
 */
export async function indexPack(q: Quarantine, file: string, offset: number): Promise<void> {
  const input = createReadStream(file, { start: offset });
  const run = await git(q, ['index-pack', '--stdin', '--fix-thin'], input).finally(() => input.destroy());
  if (run.code !== 0) {
    const why = run.stderr.split('\n').find((l) => l.startsWith('fatal:') || l.startsWith('error:')) ?? `git index-pack exited with ${run.code}`;
    throw new ValidationError(`malformed push request: the pack cannot be read (${why.replace(/^(fatal|error): /, '')})`, [
      { path: 'body', message: 'damaged or truncated pack' },
    ]);
  }
}

/**
 * Which of `oids` neither the quarantine nor the repository holds.
 * @example await missingObjects(q, [newOid]) // []
 */
export async function missingObjects(q: Quarantine, oids: readonly string[]): Promise<string[]> {
  if (oids.length === 0) return [];
  const run = await git(q, ['cat-file', '--batch-check=%(objectname)'], oids.join('\n') + '\n');
  if (run.code !== 0) throw new Error(`git cat-file failed (${run.code}): ${run.stderr.trim()}`);
  return run.stdout.split('\n').filter((l) => l.endsWith(' missing')).map((l) => l.split(' ')[0]!);
}

/**
 * True when `oldOid` is an ancestor of `newOid` (a fast-forward), false when not (a force-push), null when
 * git cannot tell (the old object is unknown, or not a commit).
 * @example await isAncestor(q, oldOid, newOid) // true
 */
export async function isAncestor(q: Quarantine, oldOid: string, newOid: string): Promise<boolean | null> {
  const run = await git(q, ['merge-base', '--is-ancestor', oldOid, newOid]);
  return run.code === 0 ? true : run.code === 1 ? false : null;
}

/**
 * The commits pushing `tip` adds: reachable from it, not from any ref of the repository.
 * @example (await addedCommits(q, newOid)).has(findingCommit)
 */
export async function addedCommits(q: Quarantine, tip: string): Promise<Set<string>> {
  const run = await git(q, ['rev-list', tip, '--not', '--all'], undefined, 256 << 20);
  if (run.code !== 0) throw new Error(`git rev-list failed (${run.code}): ${run.stderr.trim()}`);
  return new Set(run.stdout.split('\n').filter((l) => l !== ''));
}
