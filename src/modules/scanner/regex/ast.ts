/** @module scanner/regex/ast — the regular-expression syntax tree shared by the Go (RE2) and JavaScript dialects. */

/** Inclusive code-point range. */
export type Range = readonly [number, number];

/** A Unicode property escape such as `\p{L}` or `\P{Greek}`, kept symbolic (JavaScript needs the `u` flag). */
export interface UnicodeProperty {
  readonly name: string;
  readonly negated: boolean;
}

export type RegexNode =
  | { readonly type: 'seq'; readonly items: readonly RegexNode[] }
  | { readonly type: 'alt'; readonly options: readonly RegexNode[] }
  | { readonly type: 'group'; readonly capture: boolean; readonly body: RegexNode }
  | {
      readonly type: 'repeat';
      readonly min: number;
      /** `Infinity` for `*`, `+` and `{n,}`. */
      readonly max: number;
      readonly lazy: boolean;
      readonly body: RegexNode;
    }
  /** One literal code point; `fold` when it was written under a case-insensitive flag. */
  | { readonly type: 'char'; readonly cp: number; readonly fold: boolean }
  /** A character class, already expanded to ranges (`\d`, `[[:alpha:]]`, …) and complemented when negated. */
  | {
      readonly type: 'set';
      readonly ranges: readonly Range[];
      readonly props: readonly UnicodeProperty[];
      /** Only meaningful with props: `[^\pL]` cannot be expanded to ranges, so negation stays symbolic. */
      readonly negated: boolean;
      readonly fold: boolean;
    }
  /** `.`; `dotAll` when it also matches a newline (`(?s)`). */
  | { readonly type: 'any'; readonly dotAll: boolean }
  | {
      readonly type: 'assert';
      readonly kind: 'textStart' | 'textEnd' | 'lineStart' | 'lineEnd' | 'wordBoundary' | 'notWordBoundary';
    }
  /** Lookaround: JavaScript dialect only (RE2 has none). */
  | { readonly type: 'look'; readonly behind: boolean; readonly negative: boolean; readonly body: RegexNode };

/** Largest code point. */
export const MAX_CP = 0x10ffff;
