/**
 * @module scanner/keywords — the keyword prefilter: one pass over the lower-cased text finds every keyword
 * of every rule, so a rule's regex only runs where it can possibly match.
 */
import type { Rule } from './types.ts';

/** For `line` rules, the [start, end) spans of lines holding a keyword; for `file` rules, an empty list. */
export type Triggered = Map<Rule, [number, number][]>;

/** A matcher for all keywords of a rule set. */
export interface KeywordIndex {
  /** Rules whose keywords occur in the lower-cased text. */
  triggered(lower: string): Triggered;
}

/**
 * Builds the prefilter. A single alternation regex is one native pass over the text, where a loop of
 * `indexOf` calls would make one pass per keyword (a hundred passes for the default rules).
 * @example buildKeywordIndex(rules).triggered('token = "ghp_…"')
 */
export function buildKeywordIndex(rules: readonly Rule[]): KeywordIndex {
  const byKeyword = new Map<string, Rule[]>();
  for (const rule of rules) {
    for (const keyword of rule.keywords) {
      const list = byKeyword.get(keyword) ?? [];
      list.push(rule);
      byKeyword.set(keyword, list);
    }
  }
  const keywords = [...byKeyword.keys()].sort((a, b) => b.length - a.length);
  if (keywords.length === 0) return { triggered: () => new Map() };
  // The alternation reports only the longest keyword starting at a position, so a hit on "password ="
  // must also count for rules keyed on its prefix "password".
  const rulesFor = new Map<string, Rule[]>();
  for (const keyword of keywords) {
    const rules = new Set<Rule>();
    for (const [other, list] of byKeyword) if (keyword.startsWith(other)) for (const rule of list) rules.add(rule);
    rulesFor.set(keyword, [...rules]);
  }
  const pattern = new RegExp(keywords.map(escapeRegex).join('|'), 'g');
  return {
    triggered(lower) {
      const found: Triggered = new Map();
      const lineEndSeen = new Map<Rule, number>();
      pattern.lastIndex = 0;
      let m: RegExpExecArray | null;
      while ((m = pattern.exec(lower)) !== null) {
        const at = m.index;
        // Step one character, not past the match, so a keyword inside a longer one ("key" in "api_key") is seen too.
        pattern.lastIndex = at + 1;
        const rules = rulesFor.get(m[0])!;
        let lineStart = -1;
        let lineEnd = -1;
        for (const rule of rules) {
          let spans = found.get(rule);
          if (!spans) found.set(rule, (spans = []));
          if (rule.scope === 'file') continue;
          if (lineEnd === -1) {
            lineStart = lower.lastIndexOf('\n', at) + 1;
            lineEnd = lower.indexOf('\n', at);
            if (lineEnd === -1) lineEnd = lower.length;
          }
          if (lineEndSeen.get(rule) === lineEnd) continue;
          lineEndSeen.set(rule, lineEnd);
          spans.push([lineStart, lineEnd]);
        }
      }
      return found;
    },
  };
}

function escapeRegex(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
}
