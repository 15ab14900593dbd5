/**
 * @module scanner/engine — runs a compiled rule set over one text and turns matches into findings:
 * keyword prefilter, regex, secret group, entropy, validators, allow lists, inline markers, de-duplication.
 */
import { isAllowed, type Candidate } from './allowlist.ts';
import { shannonEntropy } from './entropy.ts';
import { findingFingerprint } from './fingerprint.ts';
import { buildKeywordIndex, type KeywordIndex } from './keywords.ts';
import { LineIndex } from './lines.ts';
import { hasAllowMarker } from './markers.ts';
import { DEFAULT_SEGMENT_LIMITS, segmentText, type SegmentLimits } from './segments.ts';
import type { AllowList, CommitInfo, Finding, Rule } from './types.ts';

/** Rules plus the allow lists that apply to all of them, indexed for scanning. */
export interface CompiledRuleSet {
  readonly rules: readonly Rule[];
  readonly globalAllowlists: readonly AllowList[];
  readonly keywordIndex: KeywordIndex;
  /** Rules without keywords: their regex runs on every text. */
  readonly unfiltered: readonly Rule[];
}

/**
 * Indexes rules for scanning. Rule ids must be unique.
 * @example compileRuleSet(defaultRules())
 */
export function compileRuleSet(rules: readonly Rule[], globalAllowlists: readonly AllowList[] = []): CompiledRuleSet {
  const seen = new Set<string>();
  for (const rule of rules) {
    if (seen.has(rule.id)) throw new Error(`duplicate rule id ${rule.id}`);
    seen.add(rule.id);
  }
  return {
    rules,
    globalAllowlists,
    keywordIndex: buildKeywordIndex(rules.filter((r) => r.regex && r.keywords.length > 0)),
    unfiltered: rules.filter((r) => r.regex && r.keywords.length === 0),
  };
}

/** One text to scan. */
export interface ScanSource {
  readonly text: string;
  /** Forward-slash path, as reported and as matched by path filters. */
  readonly path: string;
  /** `latin1`: each character is one byte of the file (fast, one-byte strings); decoded as UTF-8 for display. */
  readonly encoding: 'latin1' | 'utf16';
  readonly commit?: CommitInfo;
  /** For history fragments: 1-based file line of each 0-based line of `text`. */
  readonly lineMap?: readonly number[];
}

interface RawMatch {
  readonly rule: Rule;
  readonly start: number;
  readonly end: number;
  readonly secretStart: number;
  readonly secret: string;
  readonly match: string;
  readonly entropy: number;
}

/**
 * All findings in one text, in order of position.
 * @example scanSource(compileRuleSet(defaultRules()), { text: 'x', path: 'a.txt', encoding: 'utf16' }) // []
 */
export function scanSource(set: CompiledRuleSet, source: ScanSource, limits: SegmentLimits = DEFAULT_SEGMENT_LIMITS): Finding[] {
  const commit = source.commit?.commit;
  for (const list of set.globalAllowlists) {
    if (list.paths.length > 0 && list.regexes.length === 0 && list.stopwords.length === 0 && list.paths.some((re) => re.test(source.path))) {
      return [];
    }
  }
  const lines = new LineIndex(source.text);
  const raw: RawMatch[] = [];
  for (const segment of segmentText(source.text, limits)) {
    const run = (rule: Rule, from: number, to: number): void => {
      const regex = rule.regex!;
      const text = from === 0 && to === segment.text.length ? segment.text : segment.text.slice(from, to);
      regex.lastIndex = 0;
      let m: RegExpExecArray | null;
      while ((m = regex.exec(text)) !== null) {
        if (m[0].length === 0) {
          regex.lastIndex++;
          continue;
        }
        const candidate = evaluate(rule, m, segment.offset + from, source, lines, set.globalAllowlists, commit);
        if (candidate) raw.push(candidate);
      }
    };
    for (const rule of set.unfiltered) if (pathAllows(rule, source.path)) run(rule, 0, segment.text.length);
    for (const [rule, spans] of set.keywordIndex.triggered(segment.text)) {
      if (!pathAllows(rule, source.path)) continue;
      if (rule.scope === 'file') run(rule, 0, segment.text.length);
      else for (const [from, to] of spans) run(rule, from, to);
    }
  }
  for (const rule of set.rules) {
    if (!rule.regex && rule.path?.test(source.path)) {
      raw.push({ rule, start: 0, end: 0, secretStart: 0, secret: '', match: '', entropy: 0 });
    }
  }
  return toFindings(dedupe(raw), source, lines);
}

function pathAllows(rule: Rule, path: string): boolean {
  return !rule.path || rule.path.test(path);
}

function evaluate(
  rule: Rule,
  m: RegExpExecArray,
  base: number,
  source: ScanSource,
  lines: LineIndex,
  globalAllowlists: readonly AllowList[],
  commit: string | undefined,
): RawMatch | null {
  const match = m[0];
  let secret = match;
  if (rule.secretGroup !== undefined) {
    secret = m[rule.secretGroup] ?? '';
  } else if (m.length > 1) {
    // Gitleaks: without secretGroup, the first capture group that matched something.
    secret = m.slice(1).find((g) => g !== undefined && g.length > 0) ?? match;
  }
  if (secret.length === 0) return null;
  const start = base + m.index;
  const within = match.indexOf(secret);
  const secretStart = start + (within === -1 ? 0 : within);
  const entropy = shannonEntropy(secret);
  if (rule.entropy !== undefined && rule.entropy > 0 && entropy <= rule.entropy) return null;
  if (rule.requireDigit && !/[0-9]/.test(secret)) return null;
  if (rule.validate && !rule.validate(secret)) return null;
  const candidate: Candidate = {
    secret,
    match,
    path: source.path,
    line: () => lines.lineText(lines.lineOf(secretStart)),
    ...(commit === undefined ? {} : { commit }),
  };
  for (const list of globalAllowlists) if (isAllowed(candidate, list)) return null;
  for (const list of rule.allowlists) if (isAllowed(candidate, list)) return null;
  return { rule, start, end: start + match.length, secretStart, secret, match, entropy };
}

/** Drops repeats (overlapping windows) and generic findings that a specific rule already reports. */
function dedupe(raw: RawMatch[]): RawMatch[] {
  const seen = new Set<string>();
  const unique = raw.filter((r) => {
    const key = `${r.rule.id}\0${r.secretStart}\0${r.secret.length}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const specific = unique.filter((r) => !r.rule.tags.includes('generic'));
  const kept = unique.filter(
    (r) =>
      !r.rule.tags.includes('generic') ||
      !specific.some((s) => s.secretStart < r.secretStart + r.secret.length && r.secretStart < s.secretStart + s.secret.length),
  );
  return kept.sort((a, b) => a.secretStart - b.secretStart || a.rule.id.localeCompare(b.rule.id));
}

function toFindings(raw: RawMatch[], source: ScanSource, lines: LineIndex): Finding[] {
  const out: Finding[] = [];
  const display = source.encoding === 'latin1' ? (s: string) => Buffer.from(s, 'latin1').toString('utf8') : (s: string) => s;
  for (const r of raw) {
    const line0 = lines.lineOf(r.secretStart);
    const endOffset = r.secretStart + Math.max(r.secret.length - 1, 0);
    const endLine0 = lines.lineOf(endOffset);
    const matchFirstLine = lines.lineOf(r.start);
    const matchLastLine = lines.lineOf(Math.max(r.end - 1, r.start));
    let spanned = '';
    for (let l = matchFirstLine; l <= matchLastLine; l++) spanned += lines.lineText(l) + '\n';
    if (hasAllowMarker(spanned)) continue;
    const column = display(source.text.slice(lines.startOf(line0), r.secretStart)).length + 1;
    const endColumn = display(source.text.slice(lines.startOf(endLine0), endOffset + 1)).length;
    const secret = display(r.secret);
    const mapLine = (l: number): number => source.lineMap?.[l] ?? l + 1;
    out.push({
      ruleId: r.rule.id,
      description: r.rule.description,
      category: r.rule.category,
      tags: r.rule.tags,
      file: source.path,
      line: mapLine(line0),
      column,
      endLine: mapLine(endLine0),
      endColumn: Math.max(endColumn, column),
      secret,
      match: display(r.match),
      lineText: display(lines.lineText(line0)),
      entropy: Math.round(r.entropy * 1000) / 1000,
      fingerprint: findingFingerprint(r.rule.id, source.path, secret),
      ...(source.commit ? { commit: source.commit } : {}),
      redacted: false,
    });
  }
  return out;
}
