/**
 * @module scanner/files/walk — lists the files under a folder the way a developer sees the project:
 * `.git` skipped, `.gitignore` and `.palisadeignore` honoured at every level, symbolic links not followed.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { IgnoreRules } from './ignore.ts';

export const IGNORE_FILES = ['.gitignore', '.palisadeignore'] as const;

export interface WalkedFile {
  readonly absolutePath: string;
  /** Forward-slash path relative to the root (the file name when the root is a file). */
  readonly path: string;
}

export interface WalkOptions {
  /** Honour ignore files (default true). */
  readonly useIgnoreFiles?: boolean;
}

/**
 * Files under `root` in a stable (sorted) order; `root` may also be a single file.
 * @example for await (const f of walkFiles('.')) console.log(f.path)
 */
export async function* walkFiles(root: string, options: WalkOptions = {}): AsyncGenerator<WalkedFile> {
  const info = await stat(root);
  if (info.isFile()) {
    yield { absolutePath: root, path: root.split(sep).pop() ?? root };
    return;
  }
  const rules = new IgnoreRules();
  const useIgnore = options.useIgnoreFiles ?? true;
  const stack: string[] = [root];
  while (stack.length > 0) {
    const dir = stack.pop()!;
    const rel = toPosix(relative(root, dir));
    // Synchronous, like the file reads (files/read.ts): a tree walk is thousands of small calls in a row.
    const entries = readdirSync(dir, { withFileTypes: true });
    if (useIgnore) {
      for (const name of IGNORE_FILES) {
        if (!entries.some((e) => e.isFile() && e.name === name)) continue;
        rules.add(rel, readFileSync(join(dir, name), 'utf8'));
      }
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const subdirs: string[] = [];
    for (const entry of entries) {
      const path = rel === '' ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory()) {
        if (entry.name === '.git') continue;
        if (useIgnore && rules.ignores(path, true)) continue;
        subdirs.push(join(dir, entry.name));
      } else if (entry.isFile()) {
        if (useIgnore && rules.ignores(path, false)) continue;
        yield { absolutePath: join(dir, entry.name), path };
      }
    }
    // Reverse so the stack pops folders in name order.
    for (let i = subdirs.length - 1; i >= 0; i--) stack.push(subdirs[i]!);
  }
}

function toPosix(path: string): string {
  return sep === '/' ? path : path.split(sep).join('/');
}
