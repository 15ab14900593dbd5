/**
 * @module detection/sigma/regex-safety — refuses `|re` patterns that could backtrack catastrophically.
 *
 * V8's regex engine backtracks, so a pattern in which one piece of input can be consumed in exponentially
 * many ways (`(a+)+`, `(a|a)*`, `(\w+\s?)*`) takes years on a crafted string. The check is static and
 * conservative: it refuses some harmless patterns, never (within its model) a dangerous one. Refused:
 *  1. backreferences (`\1`, `\k<name>`): matching them is NP-hard and they defeat any analysis;
 *  2. inside a repeated part (a quantifier whose maximum is above 1: `*`, `+`, `{2,}`, `{1,9}`), any
 *     quantifier that can take a variable number of repetitions (`?`, `*`, `+`, `{m,n}` with m ≠ n):
 *     nested quantifiers such as `(a+)+`, `(a*)*`, `(\d+\.?)+`, `(a?a?)*`, `(.*a){12}`;
 *  3. inside a repeated part, an alternation whose branches can begin with the same character (`(a|ab)*`,
 *     `(\w|\d)+`, ASCII case-folded under `i`) or that has a branch matching the empty string (`(a|)*`).
 * Exception to 2 and 3: when every enclosing quantifier is bounded and the choices can split the input in
 * at most MAX_BOUNDED_WAYS ways (choices ^ product of the enclosing maxima), e.g. `(?:[0-9]{1,3}\.){3}`.
 * What remains inside a repetition then has at most one way to match from each position, so backtracking
 * is polynomial at worst (`.*a.*b` on a long line); the engine also runs every regex on at most the first
 * REGEX_INPUT_CAP characters of a value so that polynomial cases stay bounded.
 */

/** Characters of a value that `|re` looks at; longer values are cut to this length before matching. */
export const REGEX_INPUT_CAP = 4096;

type Range = [number, number];
/** A set of UTF-16 code units as ranges. */
type CharSet = Range[];
const ANY: CharSet = [[0, 0xffff]];

type Node =
  | { t: 'char'; set: CharSet }
  | { t: 'seq'; items: Node[] }
  | { t: 'alt'; items: Node[] }
  | { t: 'rep'; body: Node; min: number; max: number }
  | { t: 'zero' } // anchors and lookarounds' outer shape: match the empty string
  | { t: 'look'; body: Node }
  | { t: 'backref' };

const DIGIT: CharSet = [[48, 57]];
const WORD: CharSet = [[48, 57], [65, 90], [95, 95], [97, 122]];
const SPACE: CharSet = [[9, 13], [32, 32], [160, 160], [0x1680, 0x1680], [0x2000, 0x200a], [0x2028, 0x2029], [0x202f, 0x202f], [0x205f, 0x205f], [0x3000, 0x3000], [0xfeff, 0xfeff]];

function complement(set: CharSet): CharSet {
  const sorted = [...set].sort((a, b) => a[0] - b[0]);
  const out: CharSet = [];
  let next = 0;
  for (const [lo, hi] of sorted) {
    if (lo > next) out.push([next, lo - 1]);
    next = Math.max(next, hi + 1);
  }
  if (next <= 0xffff) out.push([next, 0xffff]);
  return out;
}

/** ASCII case folding: `[a-c]` also holds `A-C`. */
function fold(set: CharSet): CharSet {
  const out: CharSet = [...set];
  for (const [lo, hi] of set) {
    const a = Math.max(lo, 65), b = Math.min(hi, 90);
    if (a <= b) out.push([a + 32, b + 32]);
    const c = Math.max(lo, 97), d = Math.min(hi, 122);
    if (c <= d) out.push([c - 32, d - 32]);
  }
  return out;
}

function intersects(a: CharSet, b: CharSet): boolean {
  for (const [alo, ahi] of a) for (const [blo, bhi] of b) if (alo <= bhi && blo <= ahi) return true;
  return false;
}

/** Thrown for a pattern the analysis refuses; the message says why. */
export class UnsafeRegexError extends Error {}

class Parser {
  private i = 0;
  constructor(
    private readonly src: string,
    private readonly caseless: boolean,
  ) {}

  parse(): Node {
    const node = this.alternation();
    if (this.i < this.src.length) throw new UnsafeRegexError(`unbalanced ')' at position ${this.i + 1}`);
    return node;
  }

  private alternation(): Node {
    const items = [this.sequence()];
    while (this.src[this.i] === '|') {
      this.i++;
      items.push(this.sequence());
    }
    return items.length === 1 ? items[0]! : { t: 'alt', items };
  }

  private sequence(): Node {
    const items: Node[] = [];
    while (this.i < this.src.length && this.src[this.i] !== '|' && this.src[this.i] !== ')') {
      let atom = this.atom();
      const q = this.quantifier();
      if (q) atom = { t: 'rep', body: atom, min: q[0], max: q[1] };
      items.push(atom);
    }
    return { t: 'seq', items };
  }

  private quantifier(): [number, number] | null {
    const ch = this.src[this.i];
    let q: [number, number] | null = null;
    if (ch === '*') q = [0, Infinity];
    else if (ch === '+') q = [1, Infinity];
    else if (ch === '?') q = [0, 1];
    if (q) this.i++;
    else if (ch === '{') {
      const m = /^\{([0-9]+)(,([0-9]*))?\}/.exec(this.src.slice(this.i));
      if (!m) return null;
      const min = Number(m[1]);
      q = [min, m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3])];
      this.i += m[0].length;
    } else return null;
    if (this.src[this.i] === '?') this.i++; // lazy: same matches, other order
    return q;
  }

  private set(set: CharSet): Node {
    return { t: 'char', set: this.caseless ? fold(set) : set };
  }

  private atom(): Node {
    const ch = this.src[this.i]!;
    this.i++;
    switch (ch) {
      case '.':
        return { t: 'char', set: ANY };
      case '^':
      case '$':
        return { t: 'zero' };
      case '[':
        return this.set(this.charClass());
      case '(':
        return this.group();
      case '\\':
        return this.escape();
      default:
        return this.set([[ch.charCodeAt(0), ch.charCodeAt(0)]]);
    }
  }

  private group(): Node {
    let look = false;
    if (this.src.startsWith('?:', this.i)) this.i += 2;
    else if (this.src.startsWith('?=', this.i) || this.src.startsWith('?!', this.i)) {
      this.i += 2;
      look = true;
    } else if (this.src.startsWith('?<=', this.i) || this.src.startsWith('?<!', this.i)) {
      this.i += 3;
      look = true;
    } else if (this.src.startsWith('?<', this.i)) {
      const end = this.src.indexOf('>', this.i);
      if (end < 0) throw new UnsafeRegexError('unterminated group name');
      this.i = end + 1;
    }
    const body = this.alternation();
    if (this.src[this.i] !== ')') throw new UnsafeRegexError('missing )');
    this.i++;
    return look ? { t: 'look', body } : body;
  }

  /** One escape outside a class. */
  private escape(): Node {
    const ch = this.src[this.i];
    if (ch === undefined) throw new UnsafeRegexError('the pattern ends with a backslash');
    if (/[1-9]/.test(ch) || (ch === 'k' && this.src[this.i + 1] === '<')) {
      throw new UnsafeRegexError('backreferences are not allowed');
    }
    if (ch === 'b' || ch === 'B') {
      this.i++;
      return { t: 'zero' };
    }
    return this.set(this.escapeSet(false));
  }

  /** The character set of an escape (after the backslash); `inClass` makes `\b` a backspace. */
  private escapeSet(inClass: boolean): CharSet {
    const ch = this.src[this.i]!;
    this.i++;
    const one = (c: number): CharSet => [[c, c]];
    switch (ch) {
      case 'd': return DIGIT;
      case 'D': return complement(DIGIT);
      case 'w': return WORD;
      case 'W': return complement(WORD);
      case 's': return SPACE;
      case 'S': return complement(SPACE);
      case 'n': return one(10);
      case 'r': return one(13);
      case 't': return one(9);
      case 'v': return one(11);
      case 'f': return one(12);
      case '0': return one(0);
      case 'b': return inClass ? one(8) : ANY;
      case 'c': {
        const c = this.src.charCodeAt(this.i);
        this.i++;
        return one(c % 32);
      }
      case 'x': {
        const m = /^[0-9a-fA-F]{2}/.exec(this.src.slice(this.i));
        if (!m) return one(120);
        this.i += 2;
        return one(parseInt(m[0], 16));
      }
      case 'u': {
        // Without the u flag (we never set it) `\u{…}` and `\p{…}` are plain letters followed by a quantifier.
        const m = /^[0-9a-fA-F]{4}/.exec(this.src.slice(this.i));
        if (!m) return one(117);
        this.i += 4;
        return one(parseInt(m[0], 16));
      }
      default:
        return one(ch.charCodeAt(0));
    }
  }

  private charClass(): CharSet {
    let negate = false;
    if (this.src[this.i] === '^') {
      negate = true;
      this.i++;
    }
    const set: CharSet = [];
    // In JavaScript `[]` is an empty class: `]` always closes.
    while (this.i < this.src.length && this.src[this.i] !== ']') {
      const lo = this.classAtom();
      if (this.src[this.i] === '-' && this.src[this.i + 1] !== ']' && this.i + 1 < this.src.length && lo.length === 1 && lo[0]![0] === lo[0]![1]) {
        this.i++;
        const hi = this.classAtom();
        if (hi.length === 1 && hi[0]![0] === hi[0]![1]) {
          set.push([lo[0]![0], hi[0]![0]]);
          continue;
        }
        set.push(...lo, [45, 45], ...hi);
        continue;
      }
      set.push(...lo);
    }
    if (this.src[this.i] !== ']') throw new UnsafeRegexError('missing ]');
    this.i++;
    return negate ? complement(set) : set;
  }

  private classAtom(): CharSet {
    const ch = this.src[this.i]!;
    this.i++;
    if (ch === '\\') {
      if (this.i >= this.src.length) throw new UnsafeRegexError('the pattern ends with a backslash');
      return this.escapeSet(true);
    }
    const c = ch.charCodeAt(0);
    return [[c, c]];
  }
}

function nullable(n: Node): boolean {
  switch (n.t) {
    case 'char': return false;
    case 'seq': return n.items.every(nullable);
    case 'alt': return n.items.some(nullable);
    case 'rep': return n.min === 0 || nullable(n.body);
    default: return true;
  }
}

/** Characters the node can begin with. */
function firstChars(n: Node): CharSet {
  switch (n.t) {
    case 'char': return n.set;
    case 'seq': {
      const out: CharSet = [];
      for (const item of n.items) {
        out.push(...firstChars(item));
        if (!nullable(item)) break;
      }
      return out;
    }
    case 'alt': return n.items.flatMap(firstChars);
    case 'rep': return firstChars(n.body);
    default: return [];
  }
}

/** Most ways a bounded repetition may split its input before we call it dangerous: `(?:[0-9]{1,3}\.){3}` has 27. */
const MAX_BOUNDED_WAYS = 1_000;

/** Inside a repetition of at most `outer` iterations (1 = not repeated, Infinity = unbounded), may a choice of `choices` ways stay? */
function bounded(choices: number, outer: number): boolean {
  return Number.isFinite(outer) && Number.isFinite(choices) && choices ** outer <= MAX_BOUNDED_WAYS;
}

/** `outer`: the product of the maxima of the enclosing quantifiers (1 at top level). */
function check(n: Node, outer: number): void {
  switch (n.t) {
    case 'seq':
      for (const item of n.items) check(item, outer);
      return;
    case 'look':
      check(n.body, outer);
      return;
    case 'alt':
      if (outer > 1 && !bounded(n.items.length, outer)) {
        if (n.items.some(nullable)) throw new UnsafeRegexError('an alternation with an empty branch inside a repeated group (e.g. `(a|)*`)');
        const firsts = n.items.map(firstChars);
        for (let a = 0; a < firsts.length; a++) {
          for (let b = a + 1; b < firsts.length; b++) {
            if (intersects(firsts[a]!, firsts[b]!)) {
              throw new UnsafeRegexError('an alternation whose branches can start with the same character inside a repeated group (e.g. `(a|ab)*`)');
            }
          }
        }
      }
      for (const item of n.items) check(item, outer);
      return;
    case 'rep':
      if (outer > 1 && n.min !== n.max && !bounded(n.max - n.min + 1, outer)) {
        throw new UnsafeRegexError('a nested quantifier: a variable repetition inside a repeated group (e.g. `(a+)+`)');
      }
      check(n.body, outer * n.max);
      return;
    default:
      return;
  }
}

/**
 * Throws UnsafeRegexError when the pattern is refused (see the module comment), or a SyntaxError from
 * RegExp when it is not a valid JavaScript regular expression. `flags` as for RegExp (`i`, `m`, `s`).
 * @example assertSafeRegex('^git-(upload|receive)-pack$', '') // ok
 * @example assertSafeRegex('(a+)+$', '') // throws UnsafeRegexError
 */
export function assertSafeRegex(pattern: string, flags: string): void {
  new RegExp(pattern, flags); // syntax first: the analysis assumes a valid pattern
  check(new Parser(pattern, flags.includes('i')).parse(), 1);
}
