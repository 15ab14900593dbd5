/**
 * @module scanner/git/log-parse — turns the output of `git log -p -U0` into fragments: for each commit and
 * file, the lines that commit added, with their line numbers in the new file. Only added lines are kept, so
 * each secret is attributed to the commit that introduced it.
 */
import type { CommitInfo } from '../types.ts';

/** The format string given to `git log`, matching `parseCommitHeader`: NUL, then fields separated by NUL. */
export const LOG_FORMAT = '%x00%H%x00%an%x00%ae%x00%aI';

/** The lines one commit added to one file. */
export interface AddedLines {
  readonly commit: CommitInfo;
  readonly path: string;
  /** The added lines joined by `\n` (latin1: one character per byte). */
  readonly text: string;
  /** 1-based line number in the new file of each line of `text`. */
  readonly lineMap: number[];
}

/**
 * A push parser: feed it the log output chunk by chunk (latin1-decoded) and it calls `onFragment`.
 * @example const p = new GitLogParser((f) => scan(f)); p.push(chunk); p.end();
 */
export class GitLogParser {
  private rest = '';
  private commit: CommitInfo | null = null;
  private path: string | null = null;
  private inHunk = false;
  private nextLine = 0;
  private lines: string[] = [];
  private lineMap: number[] = [];
  commits = 0;

  constructor(private readonly onFragment: (fragment: AddedLines) => void) {}

  push(chunk: string): void {
    const data = this.rest + chunk;
    let start = 0;
    let nl = data.indexOf('\n');
    while (nl !== -1) {
      this.line(data.slice(start, nl));
      start = nl + 1;
      nl = data.indexOf('\n', start);
    }
    this.rest = data.slice(start);
  }

  end(): void {
    if (this.rest !== '') this.line(this.rest);
    this.rest = '';
    this.flush();
  }

  private line(line: string): void {
    const first = line.charCodeAt(0);
    if (this.inHunk) {
      if (first === 43 /* + */) {
        this.lines.push(line.slice(1));
        this.lineMap.push(this.nextLine++);
        return;
      }
      if (first === 45 /* - */ || first === 92 /* \ */) return;
      if (line.startsWith('@@')) {
        this.hunk(line);
        return;
      }
    }
    if (first === 0) {
      this.flush();
      this.commit = parseCommitHeader(line);
      this.commits++;
      this.path = null;
      this.inHunk = false;
    } else if (line.startsWith('diff --git ')) {
      this.flush();
      this.path = null;
      this.inHunk = false;
    } else if (line.startsWith('+++ ')) {
      const target = line.slice(4);
      this.path = target === '/dev/null' ? null : stripPrefix(unquote(target));
    } else if (line.startsWith('@@')) {
      this.hunk(line);
    }
  }

  private hunk(line: string): void {
    const m = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(line);
    this.inHunk = m !== null && this.path !== null;
    if (m) this.nextLine = Number(m[1]);
  }

  private flush(): void {
    if (this.commit && this.path && this.lines.length > 0) {
      this.onFragment({ commit: this.commit, path: toUtf8(this.path), text: this.lines.join('\n'), lineMap: this.lineMap });
    }
    this.lines = [];
    this.lineMap = [];
  }
}

/** Parses the `LOG_FORMAT` header line. */
export function parseCommitHeader(line: string): CommitInfo {
  const [, commit = '', author = '', email = '', date = ''] = line.split('\0');
  return { commit, author: toUtf8(author), email: toUtf8(email), date };
}

function stripPrefix(path: string): string {
  return path.startsWith('b/') ? path.slice(2) : path;
}

/** Git quotes unusual paths C-style ("a\tb", octal bytes); undo it. */
function unquote(path: string): string {
  if (!path.startsWith('"') || !path.endsWith('"')) return path;
  const body = path.slice(1, -1);
  return body.replace(/\\([0-7]{3}|.)/g, (_, esc: string) => {
    if (esc.length === 3) return String.fromCharCode(parseInt(esc, 8));
    return ({ n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', f: '\f', v: '\v' } as Record<string, string>)[esc] ?? esc;
  });
}

function toUtf8(latin1: string): string {
  return Buffer.from(latin1, 'latin1').toString('utf8');
}
