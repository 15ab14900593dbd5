/**
 * @module core/folder-lock — one process per data folder. The embedded database keeps its state in
 * memory and writes it to the folder, so two servers on one folder would silently overwrite each
 * other's data; a lock file holding the owner's process id prevents that.
 */
import { mkdir, open, readFile, unlink } from 'node:fs/promises';
import path from 'node:path';

export const LOCK_FILE = 'palisade.lock';

export interface FolderLock {
  release(): Promise<void>;
}

/** True when a process with this id exists (and is not this one, which cannot be the old owner). */
function isRunning(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function tryCreate(file: string): Promise<boolean> {
  try {
    const handle = await open(file, 'wx', 0o600);
    await handle.writeFile(`${process.pid}\n`);
    await handle.close();
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

/**
 * Take the folder for this process, creating it if needed. A lock left by a process that no longer
 * runs is taken over; a live owner makes this throw with a message that says what to do.
 * @example const lock = await lockFolder('.palisade'); … await lock.release();
 */
export async function lockFolder(dir: string): Promise<FolderLock> {
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    if (await tryCreate(file)) {
      return {
        release: async () => {
          await unlink(file).catch(() => undefined);
        },
      };
    }
    const owner = Number((await readFile(file, 'utf8').catch(() => '')).trim());
    if (isRunning(owner)) {
      throw new Error(
        `the data folder ${dir} is in use by another Palisade process (pid ${owner}); stop it first or give another --data folder ` +
          `(if no Palisade is running, delete ${file})`,
      );
    }
    await unlink(file).catch(() => undefined);
  }
  throw new Error(`could not lock the data folder ${dir}: another process keeps taking it`);
}
