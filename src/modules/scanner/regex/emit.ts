/**
 * @module scanner/regex/emit — writes a syntax tree as JavaScript `RegExp` source with the same meaning,
 * which is how Go (RE2) rules are translated: inline and scoped flags become explicit classes and
 * lookarounds, because Node 20's RegExp has no `(?i:…)` modifiers.
 */
import { MAX_CP, type Range, type RegexNode } from './ast.ts';
import { complement, foldAscii } from './ranges.ts';

export interface EmittedRegex {
  readonly source: string;
  /** `i` when every letter in the pattern is case-insensitive, `u` when Unicode properties or astral code points need it. */
  readonly flags: string;
}

/**
 * JavaScript source for the tree.
 * @example emitJs(parseRegex('(?i)abc', 'go').node) // { source: 'abc', flags: 'i' }
 */
export function emitJs(node: RegexNode): EmittedRegex {
  const census = { folded: 0, exact: 0, unicode: false };
  survey(node, census);
  // One `i` flag is faster and easier to read than `[aA][bB]…`; use it when no letter must keep its case.
  const globalFold = census.folded > 0 && census.exact === 0;
  const unicode = census.unicode;
  const source = write(node, { globalFold, unicode });
  return { source, flags: (globalFold ? 'i' : '') + (unicode ? 'u' : '') };
}

function survey(node: RegexNode, census: { folded: number; exact: number; unicode: boolean }): void {
  switch (node.type) {
    case 'char':
      if (node.cp > 0xffff) census.unicode = true;
      if (isLetter(node.cp)) {
        if (node.fold) census.folded++;
        else census.exact++;
      }
      return;
    case 'set':
      if (node.props.length > 0) {
        census.unicode = true;
        if (node.fold) census.folded++;
        else census.exact++;
      } else if (!closedUnderFold(node.ranges)) {
        census.exact++;
      }
      if (!coversAstral(node.ranges) && node.ranges.some(([, hi]) => hi > 0xffff)) census.unicode = true;
      return;
    case 'seq':
      for (const item of node.items) survey(item, census);
      return;
    case 'alt':
      for (const option of node.options) survey(option, census);
      return;
    case 'group':
    case 'repeat':
    case 'look':
      survey(node.body, census);
      return;
    default:
      return;
  }
}

function isLetter(cp: number): boolean {
  return (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a);
}

function closedUnderFold(ranges: readonly Range[]): boolean {
  const folded = foldAscii(ranges);
  return folded.length === ranges.length && folded.every((r, i) => r[0] === ranges[i]![0] && r[1] === ranges[i]![1]);
}

/** True when the set contains every astral code point, as negated classes do. */
function coversAstral(ranges: readonly Range[]): boolean {
  const last = ranges[ranges.length - 1];
  return last !== undefined && last[1] === MAX_CP && last[0] <= 0x10000;
}

interface Mode {
  readonly globalFold: boolean;
  readonly unicode: boolean;
}

function write(node: RegexNode, mode: Mode): string {
  switch (node.type) {
    case 'seq':
      return node.items.map((item) => write(item, mode)).join('');
    case 'alt':
      return node.options.map((option) => write(option, mode)).join('|');
    case 'group':
      return (node.capture ? '(' : '(?:') + write(node.body, mode) + ')';
    case 'repeat':
      return atomic(node.body, mode) + quantifier(node.min, node.max) + (node.lazy ? '?' : '');
    case 'char':
      if (node.fold && !mode.globalFold && isLetter(node.cp)) {
        const lower = node.cp | 0x20;
        return `[${String.fromCharCode(lower - 32)}${String.fromCharCode(lower)}]`;
      }
      return escapeCp(node.cp);
    case 'set':
      return writeSet(node.ranges, node.props, node.negated, mode);
    case 'any':
      // RE2's `.` excludes only `\n`; JavaScript's also excludes `\r`, U+2028 and U+2029.
      return node.dotAll ? '[\\s\\S]' : '[^\\n]';
    case 'assert':
      return {
        textStart: '^',
        textEnd: '$',
        lineStart: '(?<![^\\n])',
        lineEnd: '(?![^\\n])',
        wordBoundary: '\\b',
        notWordBoundary: '\\B',
      }[node.kind];
    case 'look':
      return `(?${node.behind ? '<' : ''}${node.negative ? '!' : '='}${write(node.body, mode)})`;
  }
}

function atomic(node: RegexNode, mode: Mode): string {
  const text = write(node, mode);
  // A char is written as one escape or one `[xX]` class, so it can carry a quantifier as it is.
  const single = node.type === 'group' || node.type === 'set' || node.type === 'any' || node.type === 'char';
  return single ? text : `(?:${text})`;
}

function quantifier(min: number, max: number): string {
  if (max === Infinity) return min === 0 ? '*' : min === 1 ? '+' : `{${min},}`;
  if (min === 0 && max === 1) return '?';
  return min === max ? `{${min}}` : `{${min},${max}}`;
}

function writeSet(ranges: readonly Range[], props: readonly { name: string; negated: boolean }[], negated: boolean, mode: Mode): string {
  const propText = props.map((p) => `\\${p.negated ? 'P' : 'p'}{${jsPropertyName(p.name)}}`).join('');
  if (props.length === 0) {
    if (ranges.length === 0) return '[^\\s\\S]';
    const comp = complement(ranges);
    if (comp.length === 0) return '[\\s\\S]';
    if (coversAstral(ranges) || comp.length < ranges.length) return `[^${rangesText(comp, mode)}]`;
  }
  return `[${negated ? '^' : ''}${rangesText(ranges, mode)}${propText}]`;
}

function rangesText(ranges: readonly Range[], mode: Mode): string {
  let out = '';
  for (const [lo, rawHi] of ranges) {
    if (!mode.unicode && lo > 0xffff) continue;
    const hi = mode.unicode ? rawHi : Math.min(rawHi, 0xffff);
    out += lo === hi ? escapeCp(lo) : hi === lo + 1 ? escapeCp(lo) + escapeCp(hi) : `${escapeCp(lo)}-${escapeCp(hi)}`;
  }
  return out;
}

/** Go's one-letter and two-letter names are general categories; longer ones are scripts (`\p{Greek}`). */
function jsPropertyName(name: string): string {
  if (name.includes('=') || name.length <= 2 || name === 'Any') return name;
  return `Script=${name}`;
}

/**
 * Printable ASCII as it is, syntax characters with a backslash, everything else (and `-`, which `u` mode
 * only lets be escaped inside classes) as a hex escape: valid inside and outside classes, with or without `u`.
 */
function escapeCp(cp: number): string {
  if (cp >= 0x20 && cp <= 0x7e && cp !== 0x2d) {
    const ch = String.fromCharCode(cp);
    return '^$\\.*+?()[]{}|/'.includes(ch) ? `\\${ch}` : ch;
  }
  if (cp === 0x0a) return '\\n';
  if (cp === 0x09) return '\\t';
  if (cp === 0x0d) return '\\r';
  if (cp <= 0xff) return `\\x${cp.toString(16).padStart(2, '0')}`;
  if (cp <= 0xffff) return `\\u${cp.toString(16).padStart(4, '0')}`;
  return `\\u{${cp.toString(16)}}`;
}
