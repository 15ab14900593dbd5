/**
 * @module scanner/regex/parse — parses Go (RE2) or JavaScript regular-expression source into a syntax tree,
 * resolving inline flags (`(?i)`, `(?s:…)`, `(?-i:…)`) into the nodes they govern.
 */
import type { Range, RegexNode, UnicodeProperty } from './ast.ts';
import { complement, DIGIT, foldAscii, GO_SPACE, JS_SPACE, normalize, POSIX_CLASSES, WORD } from './ranges.ts';

export type Dialect = 'go' | 'js';

/** A regular expression that cannot be parsed, or uses a construct the dialect does not have. */
export class RegexSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`${message} at offset ${offset}`);
    this.name = 'RegexSyntaxError';
  }
}

interface Flags {
  i: boolean;
  m: boolean;
  s: boolean;
  /** RE2's ungreedy mode: `*` is lazy and `*?` greedy. */
  U: boolean;
}

/** RE2's limit on `{n,m}` counts. */
const MAX_REPEAT = 1000;

/**
 * Parses regular-expression source.
 * @example parseRegex('(?i)ghp_[0-9a-z]{36}', 'go') // { type: 'seq', items: [...] }
 */
export function parseRegex(
  source: string,
  dialect: Dialect,
  initial: Partial<Flags> = {},
): { node: RegexNode; groupCount: number } {
  const parser = new Parser(source, dialect);
  const node = parser.parseAlternation({ i: false, m: false, s: false, U: false, ...initial });
  if (parser.pos < source.length) throw new RegexSyntaxError('unexpected )', parser.pos);
  return { node, groupCount: parser.groupCount };
}

class Parser {
  pos = 0;
  groupCount = 0;
  constructor(
    private readonly src: string,
    private readonly dialect: Dialect,
  ) {}

  private peek(offset = 0): string | undefined {
    return this.src[this.pos + offset];
  }

  private fail(message: string): never {
    throw new RegexSyntaxError(message, this.pos);
  }

  /** alternation := sequence ('|' sequence)*; the flags object is shared so `(?i)` lasts to the group's end. */
  parseAlternation(flags: Flags): RegexNode {
    const options: RegexNode[] = [this.parseSequence(flags)];
    while (this.peek() === '|') {
      this.pos++;
      options.push(this.parseSequence(flags));
    }
    return options.length === 1 ? options[0]! : { type: 'alt', options };
  }

  private parseSequence(flags: Flags): RegexNode {
    const items: RegexNode[] = [];
    while (this.pos < this.src.length) {
      const c = this.peek();
      if (c === '|' || c === ')') break;
      const atom = this.parseAtom(flags);
      if (atom === null) continue;
      items.push(this.parseQuantifiers(atom, flags));
    }
    return items.length === 1 ? items[0]! : { type: 'seq', items };
  }

  private parseQuantifiers(atom: RegexNode, flags: Flags): RegexNode {
    let node = atom;
    let quantified = false;
    for (;;) {
      const start = this.pos;
      const q = this.readQuantifier();
      if (!q) return node;
      if (quantified) {
        this.pos = start;
        this.fail('invalid nested repetition operator');
      }
      if (node.type === 'assert' || node.type === 'look') {
        if (this.dialect === 'go') this.fail('missing argument to repetition operator');
      }
      let lazy = false;
      if (this.peek() === '?') {
        lazy = true;
        this.pos++;
      }
      if (flags.U) lazy = !lazy;
      node = { type: 'repeat', min: q.min, max: q.max, lazy, body: node };
      quantified = true;
    }
  }

  private readQuantifier(): { min: number; max: number } | null {
    const c = this.peek();
    if (c === '*') return this.advance(1, { min: 0, max: Infinity });
    if (c === '+') return this.advance(1, { min: 1, max: Infinity });
    if (c === '?') return this.advance(1, { min: 0, max: 1 });
    if (c !== '{') return null;
    const m = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.pos));
    if (!m) return null; // a lone `{` is a literal in both dialects
    const min = Number(m[1]);
    const max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
    if (this.dialect === 'go' && (min > MAX_REPEAT || (max !== Infinity && max > MAX_REPEAT))) {
      this.fail('invalid repeat count');
    }
    if (max < min) this.fail('invalid repeat count');
    this.pos += m[0].length;
    return { min, max };
  }

  private advance<T>(n: number, value: T): T {
    this.pos += n;
    return value;
  }

  /** One atom, or null for a construct that only changes flags (`(?i)`). */
  private parseAtom(flags: Flags): RegexNode | null {
    const c = this.peek()!;
    switch (c) {
      case '(':
        return this.parseGroup(flags);
      case '[':
        return this.parseClass(flags);
      case '.':
        this.pos++;
        return { type: 'any', dotAll: flags.s };
      case '^':
        this.pos++;
        return { type: 'assert', kind: flags.m ? 'lineStart' : 'textStart' };
      case '$':
        this.pos++;
        return { type: 'assert', kind: flags.m ? 'lineEnd' : 'textEnd' };
      case '\\':
        return this.parseEscape(flags);
      case '*':
      case '+':
      case '?':
        return this.fail('missing argument to repetition operator');
      default: {
        const cp = this.src.codePointAt(this.pos)!;
        this.pos += cp > 0xffff ? 2 : 1;
        return { type: 'char', cp, fold: flags.i };
      }
    }
  }

  private parseGroup(outer: Flags): RegexNode | null {
    this.pos++; // (
    let capture = true;
    let flags: Flags = { ...outer };
    if (this.peek() === '?') {
      this.pos++;
      const rest = this.src.slice(this.pos);
      if (rest.startsWith('P<') || (rest.startsWith('<') && !rest.startsWith('<=') && !rest.startsWith('<!'))) {
        const m = /^P?<([A-Za-z_][A-Za-z0-9_]*)>/.exec(rest);
        if (!m) this.fail('invalid named capture');
        this.pos += m[0].length;
      } else if (/^(?:=|!|<=|<!)/.test(rest)) {
        if (this.dialect === 'go') this.fail('lookaround is not supported by RE2');
        const behind = rest.startsWith('<');
        const negative = rest[behind ? 1 : 0] === '!';
        this.pos += behind ? 2 : 1;
        const body = this.parseAlternation({ ...outer });
        this.expect(')');
        return { type: 'look', behind, negative, body };
      } else if (rest.startsWith(':')) {
        this.pos++;
        capture = false;
      } else {
        // Flag group: (?flags) or (?flags:re)
        const m = /^([imsU]*)(?:-([imsU]*))?([:)])/.exec(rest);
        if (!m || this.dialect === 'js') this.fail('invalid or unsupported group flags');
        const set = m[1] ?? '';
        const clear = m[2] ?? '';
        if (m[2] !== undefined && clear === '') this.fail('missing flags after -');
        this.pos += m[0].length;
        const target = m[3] === ')' ? outer : (flags = { ...outer });
        for (const f of set) target[f as keyof Flags] = true;
        for (const f of clear) target[f as keyof Flags] = false;
        if (m[3] === ')') return null;
        capture = false;
      }
    }
    if (capture) this.groupCount++;
    const body = this.parseAlternation(flags);
    this.expect(')');
    return { type: 'group', capture, body };
  }

  private expect(c: string): void {
    if (this.peek() !== c) this.fail(`missing ${c}`);
    this.pos++;
  }

  private parseEscape(flags: Flags): RegexNode {
    this.pos++; // backslash
    const c = this.peek();
    if (c === undefined) this.fail('trailing backslash');
    const set = this.classEscape(flags);
    if (set) return set;
    switch (c) {
      case 'A':
        if (this.dialect === 'go') return this.advance(1, { type: 'assert', kind: 'textStart' });
        break;
      case 'z':
        if (this.dialect === 'go') return this.advance(1, { type: 'assert', kind: 'textEnd' });
        break;
      case 'b':
        return this.advance(1, { type: 'assert', kind: 'wordBoundary' });
      case 'B':
        return this.advance(1, { type: 'assert', kind: 'notWordBoundary' });
      case 'Q':
        if (this.dialect === 'go') return this.quoted(flags);
        break;
    }
    return { type: 'char', cp: this.escapedCodePoint(), fold: flags.i };
  }

  /** `\Q…\E`: literal text. */
  private quoted(flags: Flags): RegexNode {
    this.pos++;
    const end = this.src.indexOf('\\E', this.pos);
    const text = this.src.slice(this.pos, end === -1 ? undefined : end);
    this.pos = end === -1 ? this.src.length : end + 2;
    return { type: 'seq', items: [...text].map((ch) => ({ type: 'char', cp: ch.codePointAt(0)!, fold: flags.i })) };
  }

  /** `\d`, `\w`, `\s`, their negations and `\p{…}`; null when the escape is not a class. */
  private classEscape(flags: Flags): RegexNode | null {
    const c = this.peek();
    const shorthand: Record<string, readonly Range[]> = {
      d: DIGIT,
      w: WORD,
      s: this.dialect === 'go' ? GO_SPACE : JS_SPACE,
    };
    if (c !== undefined && c.toLowerCase() in shorthand) {
      this.pos++;
      const ranges = shorthand[c.toLowerCase()]!;
      const upper = c !== c.toLowerCase();
      return { type: 'set', ranges: upper ? complement(ranges) : normalize(ranges), props: [], negated: false, fold: false };
    }
    if (c === 'p' || c === 'P') {
      const prop = this.unicodeProperty();
      return { type: 'set', ranges: [], props: [prop], negated: false, fold: flags.i };
    }
    return null;
  }

  private unicodeProperty(): UnicodeProperty {
    const negatedLetter = this.peek() === 'P';
    this.pos++;
    let name: string;
    if (this.peek() === '{') {
      const end = this.src.indexOf('}', this.pos);
      if (end === -1) this.fail('invalid Unicode class');
      name = this.src.slice(this.pos + 1, end);
      this.pos = end + 1;
    } else {
      name = this.peek() ?? this.fail('invalid Unicode class');
      this.pos++;
    }
    let negated = negatedLetter;
    if (name.startsWith('^')) {
      negated = !negated;
      name = name.slice(1);
    }
    if (!/^[A-Za-z_=]+$/.test(name)) this.fail('invalid Unicode class');
    return { name, negated };
  }

  /** The code point of a character escape (`\n`, `\x41`, `\x{263a}`, `\u0041`, `\.`, octal). */
  private escapedCodePoint(): number {
    const c = this.peek()!;
    const simple: Record<string, number> = { a: 7, f: 12, t: 9, n: 10, r: 13, v: 11 };
    if (c === 'a' && this.dialect === 'js') this.fail('invalid escape \\a');
    if (c in simple) return this.advance(1, simple[c]!);
    if (c === 'x') {
      const braced = /^x\{([0-9A-Fa-f]{1,6})\}/.exec(this.src.slice(this.pos));
      if (braced && this.dialect === 'go') return this.advance(braced[0].length, parseInt(braced[1]!, 16));
      const two = /^x([0-9A-Fa-f]{2})/.exec(this.src.slice(this.pos));
      if (!two) this.fail('invalid escape \\x');
      return this.advance(3, parseInt(two[1]!, 16));
    }
    if (c === 'u' && this.dialect === 'js') {
      const m = /^u(?:([0-9A-Fa-f]{4})|\{([0-9A-Fa-f]{1,6})\})/.exec(this.src.slice(this.pos));
      if (!m) this.fail('invalid escape \\u');
      return this.advance(m[0].length, parseInt(m[1] ?? m[2]!, 16));
    }
    if (c === 'c' && this.dialect === 'js') {
      const letter = this.peek(1);
      if (!letter || !/[A-Za-z]/.test(letter)) this.fail('invalid escape \\c');
      return this.advance(2, letter.charCodeAt(0) % 32);
    }
    if (/[0-7]/.test(c)) {
      const m = /^[0-7]{1,3}/.exec(this.src.slice(this.pos))!;
      if (c !== '0' && (m[0].length === 1 || this.dialect === 'js')) this.fail('backreferences are not supported');
      if (this.dialect === 'js' && m[0] !== '0') this.fail('octal escapes are not supported');
      return this.advance(m[0].length, parseInt(m[0], 8));
    }
    if (/[8-9]/.test(c)) this.fail('backreferences are not supported');
    if (c === 'k' && this.dialect === 'js') this.fail('backreferences are not supported');
    // Go allows escaping any punctuation; both dialects allow escaping syntax characters.
    if (/[A-Za-z0-9]/.test(c)) this.fail(`invalid escape \\${c}`);
    const cp = this.src.codePointAt(this.pos)!;
    return this.advance(cp > 0xffff ? 2 : 1, cp);
  }

  /** `[…]` and `[^…]`, with ranges, escapes and (Go) POSIX classes. */
  private parseClass(flags: Flags): RegexNode {
    this.pos++; // [
    let negated = false;
    if (this.peek() === '^') {
      negated = true;
      this.pos++;
    }
    const ranges: Range[] = [];
    const props: UnicodeProperty[] = [];
    let first = true;
    for (;;) {
      const c = this.peek();
      if (c === undefined) this.fail('missing ]');
      // RE2 reads `]` right after `[` or `[^` as a literal; JavaScript reads `[]` as the empty class.
      if (c === ']' && !(first && this.dialect === 'go')) {
        this.pos++;
        break;
      }
      first = false;
      if (c === '[' && this.dialect === 'go' && this.peek(1) === ':') {
        const m = /^\[:(\^?)([a-z]+):\]/.exec(this.src.slice(this.pos));
        const cls = m ? POSIX_CLASSES[m[2]!] : undefined;
        if (!m || !cls) this.fail('invalid POSIX class');
        ranges.push(...(m[1] ? complement(cls) : cls));
        this.pos += m[0].length;
        continue;
      }
      const lo = this.classAtom(flags, ranges, props);
      if (lo === null) continue;
      if (this.peek() === '-' && this.peek(1) !== ']' && this.peek(1) !== undefined) {
        this.pos++;
        const hi = this.classAtom(flags, ranges, props);
        if (hi === null) this.fail('invalid character class range');
        if (hi < lo) this.fail('invalid character class range');
        ranges.push([lo, hi]);
      } else {
        ranges.push([lo, lo]);
      }
    }
    // RE2 folds the class before negating it, so `(?i)[^a]` excludes both `a` and `A`.
    const merged = flags.i ? foldAscii(ranges) : normalize(ranges);
    if (props.length > 0) return { type: 'set', ranges: merged, props, negated, fold: flags.i };
    return { type: 'set', ranges: negated ? complement(merged) : merged, props: [], negated: false, fold: flags.i };
  }

  /** A single class member; pushes shorthand classes itself and returns null for them. */
  private classAtom(flags: Flags, ranges: Range[], props: UnicodeProperty[]): number | null {
    const c = this.peek()!;
    if (c !== '\\') {
      const cp = this.src.codePointAt(this.pos)!;
      this.pos += cp > 0xffff ? 2 : 1;
      return cp;
    }
    this.pos++;
    const set = this.classEscape(flags);
    if (set && set.type === 'set') {
      ranges.push(...set.ranges);
      props.push(...set.props);
      return null;
    }
    if (this.peek() === 'b' && this.dialect === 'js') return this.advance(1, 8);
    return this.escapedCodePoint();
  }
}
