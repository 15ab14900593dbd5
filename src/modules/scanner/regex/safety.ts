/**
 * @module scanner/regex/safety — a static check that rejects regular expressions whose backtracking can
 * grow exponentially with the input (RE2 never backtracks; JavaScript's engine does, so a Go rule that is
 * harmless in gitleaks can hang a JavaScript scan).
 *
 * A quantified body that can be repeated many times is ambiguous, and so exponential, when one input can be
 * split between its iterations in more than one way. Three shapes cause that, and each is rejected:
 * - an inner variable-length repeat at the end of the body that can also consume the body's first character
 *   (`(a+)+`, `(\w+\s?)*`);
 * - an inner variable-length repeat followed, inside the body, by something it can also consume (`(.*a){20}`);
 * - alternatives that can start with the same character (`(a|ab)*`, `(\w|\d)+`).
 * - two unbounded repeats in a row that can share characters (`\w+\w+=`, `a.*b.*c`): polynomial, but with
 *   a whole file as input that is as bad in practice.
 * Bounded repeats (`[\w.-]{0,50}?`) stay allowed; their cost per position is a constant, and the scanner
 * cuts very long lines into windows, so the total stays linear in the input.
 */
import { MAX_CP, type Range, type RegexNode } from './ast.ts';
import { intersects, normalize } from './ranges.ts';

/** A bounded outer repeat below this count cannot multiply ambiguity enough to matter. */
const SMALL_REPEAT = 10;

const ANY_BUT_NEWLINE: readonly Range[] = [
  [0, 9],
  [11, MAX_CP],
];
const ANY: readonly Range[] = [[0, MAX_CP]];

/**
 * Why the regex can backtrack catastrophically, or null when it passes.
 * @example catastrophicBacktracking(parseRegex('(a+)+$', 'js').node) // 'nested quantifier …'
 */
export function catastrophicBacktracking(node: RegexNode, options: { polynomial?: boolean } = {}): string | null {
  let problem: string | null = options.polynomial === false ? null : chainedUnbounded(flatten(node));
  visit(node, (n) => {
    if (problem || n.type !== 'repeat') return;
    if (n.max < 2 || (n.max !== Infinity && n.max < SMALL_REPEAT)) return;
    problem = ambiguousBody(n.body);
  });
  return problem;
}

/**
 * A pattern that starts (after optional parts) with an unbounded repeat followed by another unbounded repeat
 * that can consume the same characters, with nothing between them that the first could not also consume
 * (`\w+\w+=`, `.*a.*b`): at every position of the text every way of sharing a run between them is tried,
 * so the cost grows with the cube of the line length. Bounded repeats (`{0,50}`) stay allowed (constant cost
 * per position), and so do chains behind a required literal (`<add key=…value=".{8,}"\s*…`), which only start where
 * that literal occurs.
 */
function chainedUnbounded(flat: readonly RegexNode[]): string | null {
  for (let i = 0; i < flat.length; i++) {
    const a = flat[i]!;
    if (a.type !== 'repeat' || a.max !== Infinity) {
      if (nullable(a)) continue;
      return null;
    }
    const consumed = alphabet(a.body);
    for (let j = i + 1; j < flat.length; j++) {
      const b = flat[j]!;
      if (b.type === 'repeat' && b.max === Infinity && intersects(consumed, first(b.body))) {
        return 'chained quantifiers: two unbounded repeats can consume the same text (polynomial backtracking)';
      }
      if (!nullable(b) && !subset(alphabet(b), consumed)) break;
    }
  }
  return null;
}

function subset(a: readonly Range[], b: readonly Range[]): boolean {
  return a.every(([lo, hi]) => b.some(([blo, bhi]) => blo <= lo && hi <= bhi));
}

function ambiguousBody(body: RegexNode): string | null {
  const bodyFirst = first(body);
  const items = flatten(body);
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    const inner = innerRepeats(item);
    for (const rep of inner) {
      if (rep.max === rep.min) continue;
      const consumed = alphabet(rep.body);
      const rest = items.slice(i + 1);
      if (rest.every(nullable) && intersects(consumed, bodyFirst)) {
        return 'nested quantifier: an inner repeat can also consume what starts the next iteration';
      }
      const follower = firstOfSequence(rest);
      if (rest.length > 0 && rep === item && intersects(consumed, follower)) {
        return 'nested quantifier: an inner repeat can also consume what follows it';
      }
    }
  }
  let overlap: string | null = null;
  visit(body, (n) => {
    if (overlap || n.type !== 'alt') return;
    const firsts = n.options.map(first);
    for (let a = 0; a < firsts.length; a++) {
      for (let b = a + 1; b < firsts.length; b++) {
        if (intersects(firsts[a]!, firsts[b]!)) overlap = 'overlapping alternatives under a quantifier';
      }
    }
  });
  return overlap;
}

/** The items of a body seen as a sequence, looking through non-capturing and capturing groups. */
function flatten(node: RegexNode): RegexNode[] {
  if (node.type === 'group') return flatten(node.body);
  if (node.type === 'seq') return node.items.flatMap((item) => (item.type === 'group' && item.body.type === 'seq' ? flatten(item) : [item]));
  return [node];
}

function innerRepeats(node: RegexNode): Extract<RegexNode, { type: 'repeat' }>[] {
  const out: Extract<RegexNode, { type: 'repeat' }>[] = [];
  visit(node, (n) => {
    if (n.type === 'repeat') out.push(n);
  });
  return out;
}

function visit(node: RegexNode, fn: (n: RegexNode) => void): void {
  fn(node);
  switch (node.type) {
    case 'seq':
      for (const item of node.items) visit(item, fn);
      return;
    case 'alt':
      for (const option of node.options) visit(option, fn);
      return;
    case 'group':
    case 'repeat':
      visit(node.body, fn);
      return;
    default:
      return;
  }
}

/** True when the node can match the empty string. */
export function nullable(node: RegexNode): boolean {
  switch (node.type) {
    case 'seq':
      return node.items.every(nullable);
    case 'alt':
      return node.options.some(nullable);
    case 'group':
      return nullable(node.body);
    case 'repeat':
      return node.min === 0 || nullable(node.body);
    case 'char':
    case 'set':
    case 'any':
      return false;
    default:
      return true;
  }
}

/** Characters that can start a match of the node. */
export function first(node: RegexNode): Range[] {
  switch (node.type) {
    case 'seq':
      return firstOfSequence(node.items);
    case 'alt':
      return normalize(node.options.flatMap(first));
    case 'group':
    case 'repeat':
      return first(node.body);
    default:
      return alphabet(node);
  }
}

function firstOfSequence(items: readonly RegexNode[]): Range[] {
  const out: Range[] = [];
  for (const item of items) {
    out.push(...first(item));
    if (!nullable(item)) break;
  }
  return normalize(out);
}

/** Every character the node can consume anywhere in its match. */
export function alphabet(node: RegexNode): Range[] {
  switch (node.type) {
    case 'char':
      return node.fold && /[A-Za-z]/.test(String.fromCharCode(node.cp))
        ? normalize([
            [node.cp | 0x20, node.cp | 0x20],
            [(node.cp | 0x20) - 32, (node.cp | 0x20) - 32],
          ])
        : [[node.cp, node.cp]];
    case 'set':
      // A Unicode property is opaque here; treat it as "anything" so the check errs on the safe side.
      return node.props.length > 0 || node.negated ? [...ANY] : [...node.ranges];
    case 'any':
      return node.dotAll ? [...ANY] : [...ANY_BUT_NEWLINE];
    case 'seq':
      return normalize(node.items.flatMap(alphabet));
    case 'alt':
      return normalize(node.options.flatMap(alphabet));
    case 'group':
    case 'repeat':
      return alphabet(node.body);
    default:
      return [];
  }
}
