/**
 * @module scanner/baseline — a file of accepted findings. Findings whose fingerprint is listed are not
 * reported again. JSON with enough context for a reviewer to see what was accepted (never the secret);
 * a plain list of fingerprints, one per line, is read too.
 */
import type { Finding } from './types.ts';

export interface BaselineEntry {
  readonly fingerprint: string;
  readonly ruleId: string;
  readonly file: string;
  readonly line: number;
  readonly commit?: string;
}

export interface BaselineFile {
  readonly version: 1;
  readonly tool: 'palisade';
  readonly findings: readonly BaselineEntry[];
}

/** The baseline file is neither Palisade baseline JSON nor a list of fingerprints. */
export class BaselineError extends Error {
  override name = 'BaselineError';
}

const FINGERPRINT = /^[0-9a-f]{64}$/;

/**
 * The fingerprints a baseline accepts.
 * @example parseBaseline('{"version":1,"tool":"palisade","findings":[]}').size // 0
 */
export function parseBaseline(text: string): Set<string> {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    let doc: unknown;
    try {
      doc = JSON.parse(trimmed);
    } catch (error) {
      throw new BaselineError(`baseline is not valid JSON: ${(error as Error).message}`);
    }
    const findings = (doc as { findings?: unknown }).findings;
    if (!Array.isArray(findings)) throw new BaselineError('baseline JSON has no findings list');
    const out = new Set<string>();
    for (const entry of findings) {
      const fp = (entry as { fingerprint?: unknown }).fingerprint;
      if (typeof fp !== 'string' || !FINGERPRINT.test(fp)) throw new BaselineError(`baseline entry without a valid fingerprint: ${JSON.stringify(entry)}`);
      out.add(fp);
    }
    return out;
  }
  const out = new Set<string>();
  for (const raw of trimmed.split(/\r?\n/)) {
    const line = raw.replace(/#.*/, '').trim();
    if (line === '') continue;
    if (!FINGERPRINT.test(line)) throw new BaselineError(`not a fingerprint: ${line}`);
    out.add(line);
  }
  return out;
}

/**
 * Baseline JSON accepting the findings (sorted and de-duplicated, so rewriting it gives small diffs).
 * @example writeBaseline(findings) // '{\n  "version": 1, …'
 */
export function writeBaseline(findings: readonly Finding[]): string {
  const byFingerprint = new Map<string, BaselineEntry>();
  for (const f of findings) {
    if (byFingerprint.has(f.fingerprint)) continue;
    byFingerprint.set(f.fingerprint, {
      fingerprint: f.fingerprint,
      ruleId: f.ruleId,
      file: f.file,
      line: f.line,
      ...(f.commit ? { commit: f.commit.commit } : {}),
    });
  }
  const entries = [...byFingerprint.values()].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.ruleId.localeCompare(b.ruleId));
  const doc: BaselineFile = { version: 1, tool: 'palisade', findings: entries };
  return JSON.stringify(doc, null, 2) + '\n';
}

/**
 * Splits findings into those still reported and those the baseline accepts.
 * @example applyBaseline(findings, parseBaseline(text)).reported
 */
export function applyBaseline(findings: readonly Finding[], accepted: ReadonlySet<string>): { reported: Finding[]; suppressed: Finding[] } {
  const reported: Finding[] = [];
  const suppressed: Finding[] = [];
  for (const f of findings) (accepted.has(f.fingerprint) ? suppressed : reported).push(f);
  return { reported, suppressed };
}
