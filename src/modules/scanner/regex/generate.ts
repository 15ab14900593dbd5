/**
 * @module scanner/regex/generate — random strings that match a syntax tree. Gitleaks rule files carry no
 * example secrets, so the tests make their own from each rule's pattern and check the rule finds them.
 */
import type { Range, RegexNode } from './ast.ts';
import type { Random } from '../testing/random.ts';

/** How many extra repetitions an unbounded quantifier (`+`, `*`, `{n,}`) gets at most. */
const UNBOUNDED_EXTRA = 24;
const PRINTABLE: readonly Range[] = [[0x21, 0x7e]];
const ALNUM: readonly Range[] = [
  [0x30, 0x39],
  [0x41, 0x5a],
  [0x61, 0x7a],
];

/**
 * One random string matched by the tree (assertions are skipped, so callers should verify the result).
 * @example generateMatch(parseRegex('ghp_[0-9a-z]{4}', 'go').node, seededRandom(1)) // 'ghp_k3x9'
 */
export function generateMatch(node: RegexNode, random: Random): string {
  switch (node.type) {
    case 'seq':
      return node.items.map((item) => generateMatch(item, random)).join('');
    case 'alt':
      return generateMatch(random.pick(node.options), random);
    case 'group':
      return generateMatch(node.body, random);
    case 'repeat': {
      const span = node.max === Infinity ? UNBOUNDED_EXTRA : node.max - node.min;
      // Lazy prefixes such as `[\w.-]{0,50}?` read more like real text when short.
      const extra = node.lazy ? random.int(Math.min(span, 4) + 1) : random.int(span + 1);
      let out = '';
      for (let i = 0; i < node.min + extra; i++) out += generateMatch(node.body, random);
      return out;
    }
    case 'char':
      return String.fromCodePoint(node.cp);
    case 'set':
      return String.fromCodePoint(pickFrom(node.props.length > 0 ? ALNUM : node.ranges, random));
    case 'any':
      return String.fromCodePoint(pickFrom(ALNUM, random));
    default:
      return '';
  }
}

/** A code point from the ranges, preferring letters and digits, then printable ASCII, so examples stay readable. */
function pickFrom(ranges: readonly Range[], random: Random): number {
  for (const preferred of [ALNUM, PRINTABLE]) {
    const usable = intersect(ranges, preferred);
    if (usable.length > 0 && (preferred === PRINTABLE || random.next() < 0.9)) return pickIn(usable, random);
  }
  const usable = intersect(ranges, [[0x09, 0x7e]]);
  return pickIn(usable.length > 0 ? usable : ranges, random);
}

function pickIn(ranges: readonly Range[], random: Random): number {
  const total = ranges.reduce((n, [lo, hi]) => n + hi - lo + 1, 0);
  let k = random.int(total);
  for (const [lo, hi] of ranges) {
    if (k <= hi - lo) return lo + k;
    k -= hi - lo + 1;
  }
  return ranges[0]?.[0] ?? 0x61;
}

function intersect(a: readonly Range[], b: readonly Range[]): Range[] {
  const out: Range[] = [];
  for (const [lo, hi] of a) {
    for (const [lo2, hi2] of b) {
      const l = Math.max(lo, lo2);
      const h = Math.min(hi, hi2);
      if (l <= h) out.push([l, h]);
    }
  }
  return out;
}
