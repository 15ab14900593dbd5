/** @module detection/sigma/condition — Sigma's condition grammar: `not` > `and` > `or`, parentheses, `N of x*`, `all of them`. */
import type { ConditionNode } from './types.ts';

/** A condition that cannot be parsed or refers to something that does not exist; `column` is 1-based. */
export class ConditionError extends Error {
  constructor(
    message: string,
    readonly column: number | null = null,
  ) {
    super(column === null ? message : `${message} (column ${column})`);
  }
}

type Token = { kind: 'lparen' | 'rparen' | 'word'; text: string; col: number };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') {
      i++;
    } else if (ch === '(' || ch === ')') {
      tokens.push({ kind: ch === '(' ? 'lparen' : 'rparen', text: ch, col: i + 1 });
      i++;
    } else if (ch === '|') {
      // Sigma v1 aggregations (`selection | count() by x > 5`) were replaced by correlation rules.
      throw new ConditionError('aggregation expressions (`| count() …`) are not supported: write a correlation rule', i + 1);
    } else if (/[A-Za-z0-9_*?.\-]/.test(ch)) {
      const start = i;
      while (i < text.length && /[A-Za-z0-9_*?.\-]/.test(text[i]!)) i++;
      tokens.push({ kind: 'word', text: text.slice(start, i), col: start + 1 });
    } else {
      throw new ConditionError(`unexpected character '${ch}'`, i + 1);
    }
  }
  return tokens;
}

const KEYWORDS = new Set(['and', 'or', 'not', 'of', 'them', 'all']);

/** `sel*` / `x?y` as used after `of`: `*` any run, `?` one character. */
function globToRegExp(pattern: string): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\\-]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

/**
 * Parses a condition against the names of the rule's selections; every reference must exist and every
 * `of` pattern must match at least one selection (`them` = every selection whose name does not start with `_`).
 * @example parseCondition('sel and not 1 of filter_*', ['sel', 'filter_a', 'filter_b'])
 */
export function parseCondition(text: string, selectionNames: readonly string[]): ConditionNode {
  const tokens = tokenize(text);
  if (tokens.length === 0) throw new ConditionError('the condition is empty');
  let pos = 0;
  const peek = (): Token | undefined => tokens[pos];
  const isWord = (t: Token | undefined, w: string): boolean => t?.kind === 'word' && t.text.toLowerCase() === w;
  const endCol = text.length + 1;

  function expectEnd(what: string): never {
    const t = peek();
    throw new ConditionError(t ? `expected ${what} but found '${t.text}'` : `expected ${what} but the condition ended`, t ? t.col : endCol);
  }

  function parseOr(): ConditionNode {
    const items = [parseAnd()];
    while (isWord(peek(), 'or')) {
      pos++;
      items.push(parseAnd());
    }
    return items.length === 1 ? items[0]! : { type: 'or', items };
  }
  function parseAnd(): ConditionNode {
    const items = [parseNot()];
    while (isWord(peek(), 'and')) {
      pos++;
      items.push(parseNot());
    }
    return items.length === 1 ? items[0]! : { type: 'and', items };
  }
  function parseNot(): ConditionNode {
    if (isWord(peek(), 'not')) {
      pos++;
      return { type: 'not', item: parseNot() };
    }
    return parsePrimary();
  }
  function parsePrimary(): ConditionNode {
    const t = peek();
    if (!t) return expectEnd('a selection name, `not`, `N of` or `(`');
    if (t.kind === 'lparen') {
      pos++;
      const inner = parseOr();
      if (peek()?.kind !== 'rparen') return expectEnd("')'");
      pos++;
      return inner;
    }
    if (t.kind === 'rparen') return expectEnd('a selection name, `not`, `N of` or `(`');
    const lower = t.text.toLowerCase();
    const next = tokens[pos + 1];
    if ((lower === 'all' || /^[0-9]+$/.test(lower)) && isWord(next, 'of')) {
      pos += 2;
      const quantifier = lower === 'all' ? 'all' : Number(lower);
      if (quantifier === 0) throw new ConditionError('`0 of` is meaningless: use `1 of` or `all of`', t.col);
      const target = peek();
      if (!target || target.kind !== 'word' || (KEYWORDS.has(target.text.toLowerCase()) && target.text.toLowerCase() !== 'them')) {
        return expectEnd('a selection pattern or `them` after `of`');
      }
      pos++;
      let names: string[];
      if (target.text.toLowerCase() === 'them') {
        names = selectionNames.filter((n) => !n.startsWith('_'));
      } else {
        const re = globToRegExp(target.text);
        names = selectionNames.filter((n) => re.test(n));
        if (names.length === 0) throw new ConditionError(`'${target.text}' matches no selection`, target.col);
      }
      if (names.length === 0) throw new ConditionError('`them` refers to no selection', target.col);
      return { type: 'of', quantifier, names };
    }
    if (KEYWORDS.has(lower)) return expectEnd('a selection name, `not`, `N of` or `(`');
    if (/[*?]/.test(t.text)) throw new ConditionError(`wildcards are only allowed after \`of\` ('${t.text}')`, t.col);
    if (!selectionNames.includes(t.text)) throw new ConditionError(`the condition references '${t.text}', which is not a selection of this rule`, t.col);
    pos++;
    return { type: 'ref', name: t.text };
  }

  const node = parseOr();
  if (pos < tokens.length) expectEnd('`and`, `or` or the end of the condition');
  return node;
}
