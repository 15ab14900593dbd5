/**
 * @module git-gateway/push/allow-list — whether an admin's allow-list entry accepts a push-scan finding:
 * by the finding's fingerprint (scanner/fingerprint.ts: rule, file and secret), by a path glob, or both.
 */

export interface AllowRule {
  id: string;
  fingerprint: string | null;
  pathPattern: string | null;
}

/**
 * Why a path glob is not acceptable, or null.
 * @example pathPatternProblem('test/**') // null
 */
export function pathPatternProblem(pattern: string): string | null {
  if (pattern.length === 0) return 'empty';
  if (pattern.startsWith('/')) return 'paths are relative to the repository root: no leading "/"';
  if (/[\u0000-\u001f\u007f]/.test(pattern)) return 'control characters are not allowed';
  if (pattern.split('/').some((s) => s === '..' || s === '.')) return '"." and ".." are not path components in a repository';
  if (/\*\*\*/.test(pattern)) return 'at most two "*" in a row';
  return null;
}

/**
 * A path glob as a regular expression: `**` spans folders (`a/**` = everything under a, `**\/x` = x in any
 * folder), `*` stays within one folder, `?` is one character other than "/".
 * @example globToRegExp('test/**').test('test/a/b.txt') // true
 */
export function globToRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*' && pattern[i + 1] === '*') {
      const slashAfter = pattern[i + 2] === '/';
      re += slashAfter ? '(?:.*/)?' : '.*';
      i += slashAfter ? 2 : 1;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 's');
}

/**
 * The entry that accepts the finding, or null. With both a fingerprint and a path pattern, both must match.
 * @example allowedBy([{ id: 'e1', fingerprint: null, pathPattern: 'test/**' }], { file: 'test/x.env', fingerprint: 'ab…' }) // 'e1'
 */
export function allowedBy(entries: readonly AllowRule[], finding: { file: string; fingerprint: string }): string | null {
  for (const e of entries) {
    if (e.fingerprint !== null && e.fingerprint !== finding.fingerprint) continue;
    if (e.pathPattern !== null && !globToRegExp(e.pathPattern).test(finding.file)) continue;
    if (e.fingerprint !== null || e.pathPattern !== null) return e.id;
  }
  return null;
}
