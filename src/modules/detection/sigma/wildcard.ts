/** @module detection/sigma/wildcard — Sigma string values with `*` and `?` wildcards, compiled to plain string tests (no RegExp, linear time). */

/** A pattern token: a literal character, or a wildcard. */
type Part = string | typeof STAR | typeof ONE;
const STAR = Symbol('*');
const ONE = Symbol('?');

/**
 * Splits a Sigma value into literal characters and wildcards. Escapes (Sigma spec, "Wildcards"):
 * `\*` and `\?` are literal, `\\` is one backslash, any other backslash is itself.
 */
export function parseWildcards(value: string): Part[] {
  const parts: Part[] = [];
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!;
    if (ch === '\\') {
      const next = value[i + 1];
      if (next === '*' || next === '?' || next === '\\') {
        parts.push(next);
        i++;
      } else parts.push('\\');
    } else if (ch === '*') {
      if (parts[parts.length - 1] !== STAR) parts.push(STAR);
    } else if (ch === '?') parts.push(ONE);
    else parts.push(ch);
  }
  return parts;
}

/** Escapes a literal so that parseWildcards reads it back unchanged. */
export function escapeWildcards(literal: string): string {
  return literal.replace(/[\\*?]/g, '\\$&');
}

/** Does `s` hold `seg` (literal chars and `?`) at `at`? */
function segmentAt(s: string, at: number, seg: readonly (string | null)[]): boolean {
  if (at + seg.length > s.length) return false;
  for (let k = 0; k < seg.length; k++) {
    const c = seg[k];
    if (c !== null && s[at + k] !== c) return false;
  }
  return true;
}

/**
 * Compiles a value to a test on an (already case-folded, when `fold`) string.
 * Literal-only shapes become `===`, `startsWith`, `endsWith` or `includes`; others a left-to-right segment
 * search, which is exact for globs: between two stars the leftmost occurrence of a fixed-length segment is
 * always the best choice.
 * @example compileWildcard('*\\\\cmd.exe', true)('c:\\windows\\cmd.exe') // true
 */
export function compileWildcard(value: string, fold: boolean): (s: string) => boolean {
  const parts = parseWildcards(fold ? value.toLowerCase() : value);
  // Segments between stars; `null` stands for `?`.
  const segments: (string | null)[][] = [[]];
  for (const p of parts) {
    if (p === STAR) segments.push([]);
    else segments[segments.length - 1]!.push(p === ONE ? null : p);
  }
  const hasOne = parts.includes(ONE);
  if (!hasOne) {
    const lits = segments.map((s) => s.join(''));
    if (lits.length === 1) {
      const lit = lits[0]!;
      return (s) => s === lit;
    }
    if (lits.length === 2) {
      const [a, b] = lits as [string, string];
      if (b === '') return a === '' ? () => true : (s) => s.startsWith(a);
      if (a === '') return (s) => s.endsWith(b);
      return (s) => s.length >= a.length + b.length && s.startsWith(a) && s.endsWith(b);
    }
    if (lits.length === 3 && lits[0] === '' && lits[2] === '') {
      const mid = lits[1]!;
      return (s) => s.includes(mid);
    }
  }
  const first = segments[0]!;
  const last = segments[segments.length - 1]!;
  const middle = segments.slice(1, -1);
  if (segments.length === 1) return (s) => s.length === first.length && segmentAt(s, 0, first);
  const minLength = segments.reduce((n, s) => n + s.length, 0);
  return (s) => {
    if (s.length < minLength || !segmentAt(s, 0, first) || !segmentAt(s, s.length - last.length, last)) return false;
    let at = first.length;
    const end = s.length - last.length;
    for (const seg of middle) {
      let found = -1;
      for (let i = at; i + seg.length <= end; i++) {
        if (segmentAt(s, i, seg)) {
          found = i;
          break;
        }
      }
      if (found < 0) return false;
      at = found + seg.length;
    }
    return true;
  };
}
