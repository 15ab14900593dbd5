/**
 * @module scanner/files/ignore — .gitignore-style patterns (also used for `.palisadeignore`), following the
 * gitignore(5) rules: comments, `!` negation, trailing `/` for directories, patterns with a slash anchored
 * to the ignore file's folder, `*`, `?`, `[…]` and `**`.
 */

interface Pattern {
  readonly regex: RegExp;
  readonly negated: boolean;
  readonly directoryOnly: boolean;
  /** Folder of the ignore file, relative to the scan root ('' for the root), with a trailing slash. */
  readonly base: string;
}

/** Ignore rules collected from ignore files as a walk descends. */
export class IgnoreRules {
  private readonly patterns: Pattern[] = [];

  /**
   * Adds the patterns of one ignore file found in folder `base` (relative, '' for the root).
   * @example rules.add('', 'node_modules/\n*.log\n!keep.log')
   */
  add(base: string, content: string): void {
    const prefix = base === '' ? '' : base.replace(/\/?$/, '/');
    for (const rawLine of content.split(/\r?\n/)) {
      const pattern = compileLine(rawLine, prefix);
      if (pattern) this.patterns.push(pattern);
    }
  }

  /**
   * True when the path (relative to the scan root, forward slashes) is ignored; the last matching pattern wins.
   * @example rules.ignores('build/out.js', false)
   */
  ignores(path: string, isDirectory: boolean): boolean {
    let ignored = false;
    for (const p of this.patterns) {
      if (p.directoryOnly && !isDirectory) continue;
      if (p.base !== '' && !path.startsWith(p.base)) continue;
      if (p.regex.test(path.slice(p.base.length))) ignored = !p.negated;
    }
    return ignored;
  }
}

function compileLine(rawLine: string, base: string): Pattern | null {
  let line = rawLine.replace(/(?<!\\)\s+$/, '');
  if (line === '' || line.startsWith('#')) return null;
  let negated = false;
  if (line.startsWith('!')) {
    negated = true;
    line = line.slice(1);
  } else if (line.startsWith('\\!') || line.startsWith('\\#')) {
    line = line.slice(1);
  }
  let directoryOnly = false;
  if (line.endsWith('/')) {
    directoryOnly = true;
    line = line.slice(0, -1);
  }
  if (line === '') return null;
  // A slash at the start or in the middle anchors the pattern to the ignore file's folder.
  const anchored = line.includes('/');
  if (line.startsWith('/')) line = line.slice(1);
  const body = globToRegex(line);
  const regex = new RegExp(anchored ? `^${body}$` : `(?:^|/)${body}$`);
  return { regex, negated, directoryOnly, base };
}

function globToRegex(glob: string): string {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        const atStart = i === 0 || glob[i - 1] === '/';
        const atEnd = i + 2 === glob.length || glob[i + 2] === '/';
        if (atStart && atEnd) {
          // `**/` matches zero or more folders; a trailing `/**` everything inside.
          if (i + 2 === glob.length) out += '.*';
          else {
            out += '(?:.*/)?';
            i++;
          }
          i++;
          continue;
        }
      }
      out += '[^/]*';
    } else if (c === '?') {
      out += '[^/]';
    } else if (c === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end === -1) out += '\\[';
      else {
        let cls = glob.slice(i + 1, end).replace(/\\/g, '\\\\');
        if (cls.startsWith('!')) cls = '^' + cls.slice(1);
        out += `[${cls}]`;
        i = end;
      }
    } else if (c === '\\' && i + 1 < glob.length) {
      out += escape(glob[++i]!);
    } else {
      out += escape(c);
    }
  }
  return out;
}

function escape(c: string): string {
  return /[.*+?^${}()|[\]\\/]/.test(c) ? `\\${c}` : c;
}
