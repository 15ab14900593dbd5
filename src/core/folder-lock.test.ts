import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LOCK_FILE, lockFolder } from './folder-lock.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'palisade-lock-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

/** The id of a process that has certainly ended. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid!;
}

describe('the data-folder lock', () => {
  it('is held by one owner at a time and free again after release', async () => {
    const lock = await lockFolder(path.join(dir, 'new', 'folder'));
    expect((await readFile(path.join(dir, 'new', 'folder', LOCK_FILE), 'utf8')).trim()).toBe(String(process.pid));
    await lock.release();
    const again = await lockFolder(path.join(dir, 'new', 'folder'));
    await again.release();
  });

  it('refuses while a live process holds the folder, saying which and what to do', async () => {
    await writeFile(path.join(dir, LOCK_FILE), `${process.ppid}\n`);
    await expect(lockFolder(dir)).rejects.toThrow(new RegExp(`in use by another Palisade process \\(pid ${process.ppid}\\).*delete`));
  });

  it('takes over a lock left by a process that has ended, by this very process id (a restarted container), or unreadable', async () => {
    for (const content of [`${deadPid()}\n`, `${process.pid}\n`, 'garbage']) {
      await writeFile(path.join(dir, LOCK_FILE), content);
      const lock = await lockFolder(dir);
      expect((await readFile(path.join(dir, LOCK_FILE), 'utf8')).trim()).toBe(String(process.pid));
      await lock.release();
    }
  });
});
