/**
 * @module scanner/git/history — streams `git log -p` from the machine's `git` and scans what each commit added.
 * Used for `palisade scan --git REPO` (whole history) and by the git gateway for the commits of a push.
 */
import { spawn } from 'node:child_process';
import { GitLogParser, LOG_FORMAT, type AddedLines } from './log-parse.ts';

/** `git` failed or the revision arguments were refused. */
export class GitHistoryError extends Error {
  override name = 'GitHistoryError';
}

/** All-zero object id: git's "no commit" (a new branch's old value in a push). */
export const ZERO_OID = /^0+$/;

/** Commit ids and ref names; nothing that git could read as an option. */
const REVISION = /^(?!-)[A-Za-z0-9._/^~@{}-]{1,255}$/;

/**
 * Revision arguments for the commits of a push: `from..to`, or, for a new branch (zero or missing `from`),
 * the commits reachable from `to` that no existing ref reaches — right inside a pre-receive hook, where
 * the pushed refs are not updated yet.
 * @example rangeArgs('a1b2…', 'c3d4…') // ['a1b2…..c3d4…']
 */
export function rangeArgs(fromOid: string | null | undefined, toOid: string): string[] {
  if (!REVISION.test(toOid)) throw new GitHistoryError(`not a revision: ${JSON.stringify(toOid)}`);
  if (fromOid === null || fromOid === undefined || fromOid === '' || ZERO_OID.test(fromOid)) return [toOid, '--not', '--all'];
  if (!REVISION.test(fromOid)) throw new GitHistoryError(`not a revision: ${JSON.stringify(fromOid)}`);
  return [`${fromOid}..${toOid}`];
}

/** How to run `git`: extra environment, e.g. a push's quarantine (GIT_OBJECT_DIRECTORY, GIT_ALTERNATE_OBJECT_DIRECTORIES). */
export interface GitReadOptions {
  readonly env?: Readonly<Record<string, string>>;
}

/**
 * Runs `git log -p -U0` over the revisions and calls `onFragment` for the lines each commit added to each file.
 * Resolves with the number of commits read.
 * @example await streamAddedLines('/repos/app', ['--all'], (f) => console.log(f.commit.commit, f.path))
 */
export function streamAddedLines(
  repoDir: string,
  revisions: readonly string[],
  onFragment: (fragment: AddedLines) => void,
  options: GitReadOptions = {},
): Promise<number> {
  const args = [
    '-C',
    repoDir,
    '-c',
    'core.quotePath=false',
    'log',
    '-p',
    '-U0',
    '--no-color',
    '--no-ext-diff',
    '--no-textconv',
    '--full-history',
    `--format=${LOG_FORMAT}`,
    ...revisions,
    '--',
  ];
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...options.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' } });
    const parser = new GitLogParser(onFragment);
    let stderr = '';
    let failed: unknown = null;
    child.stdout.on('data', (chunk: Buffer) => {
      if (failed) return;
      try {
        parser.push(chunk.toString('latin1'));
      } catch (error) {
        failed = error;
        child.kill();
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < 4096) stderr += chunk.toString('utf8');
    });
    child.on('error', (error) => reject(new GitHistoryError(`cannot run git: ${error.message}`)));
    child.on('close', (code) => {
      if (failed) return reject(failed);
      if (code !== 0) return reject(new GitHistoryError(`git log failed (${code}): ${stderr.trim()}`));
      try {
        parser.end();
      } catch (error) {
        return reject(error);
      }
      resolve(parser.commits);
    });
  });
}
