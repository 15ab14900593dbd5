/**
 * @module scanner/git/hosted — where a hosted repository lives: `<data folder>/repos/<resource name>.git`,
 * the layout the git gateway serves. Only resource names (validated when the resource was created) become
 * paths; a client never supplies a path.
 */
import { execFile } from 'node:child_process';
import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { resourceNameProblem } from '../../resources/resource-fns.ts';

/** The folder under the data folder that holds hosted repositories. */
export const REPOS_FOLDER = 'repos';

/**
 * The bare repository folder of a `git_repository` resource, or null when the name could leave the
 * repositories folder (it cannot, for a name the resource rules accepted; checked again here).
 * @example hostedRepositoryPath('/var/lib/palisade/repos', 'payments/api') // '/var/lib/palisade/repos/payments/api.git'
 */
export function hostedRepositoryPath(reposDir: string, resourceName: string): string | null {
  if (resourceNameProblem(resourceName) !== null) return null;
  const path = resolve(reposDir, `${resourceName}.git`);
  return isInside(resolve(reposDir), path) ? path : null;
}

/**
 * The repository's real path when it exists, is a folder and — after symbolic links are resolved — is
 * still inside the repositories folder; otherwise null.
 * @example await existingHostedRepository('/var/lib/palisade/repos', 'payments/api')
 */
export async function existingHostedRepository(reposDir: string, resourceName: string): Promise<string | null> {
  const path = hostedRepositoryPath(reposDir, resourceName);
  if (path === null) return null;
  try {
    if (!(await stat(path)).isDirectory()) return null;
    const [root, real] = await Promise.all([realpath(reposDir), realpath(path)]);
    return isInside(root, real) ? real : null;
  } catch {
    return null;
  }
}

/**
 * True when `oid` names a commit in the repository (`git cat-file -e <oid>^{commit}`).
 * @example await commitExists('/repos/app.git', 'a1b2…') // true
 */
export function commitExists(repoDir: string, oid: string): Promise<boolean> {
  if (!/^[0-9a-f]{40}$|^[0-9a-f]{64}$/.test(oid)) return Promise.resolve(false);
  return new Promise((done) => {
    execFile('git', ['-C', repoDir, 'cat-file', '-e', `${oid}^{commit}`], { env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } }, (error) => done(error === null));
  });
}

function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}
