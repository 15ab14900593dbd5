/** @module scanner/allowlist — decides whether an allow list exempts a candidate finding (gitleaks semantics). */
import type { AllowList } from './types.ts';

export interface Candidate {
  readonly secret: string;
  readonly match: string;
  /** Computed only when an allow list targets lines. */
  readonly line: () => string;
  readonly path: string;
  readonly commit?: string;
}

/**
 * True when the allow list exempts the candidate. With `and`, every criterion the list defines must hold;
 * with `or`, one is enough.
 * @example isAllowed({ secret: 'x', match: 'x', line: () => 'x', path: 'a' }, list)
 */
export function isAllowed(candidate: Candidate, list: AllowList): boolean {
  const checks: (() => boolean)[] = [];
  if (list.commits.length > 0) checks.push(() => candidate.commit !== undefined && list.commits.includes(candidate.commit));
  if (list.paths.length > 0) checks.push(() => list.paths.some((re) => re.test(candidate.path)));
  if (list.regexes.length > 0) {
    checks.push(() => {
      const target =
        list.regexTarget === 'match' ? candidate.match : list.regexTarget === 'line' ? candidate.line() : candidate.secret;
      return list.regexes.some((re) => re.test(target));
    });
  }
  if (list.stopwords.length > 0) {
    checks.push(() => {
      const lower = candidate.secret.toLowerCase();
      return list.stopwords.some((word) => lower.includes(word));
    });
  }
  if (checks.length === 0) return false;
  return list.condition === 'and' ? checks.every((c) => c()) : checks.some((c) => c());
}

/**
 * An allow list from partial fields, with gitleaks' defaults (`or`, target `secret`).
 * @example allowList({ regexes: [/EXAMPLE$/] })
 */
export function allowList(fields: Partial<AllowList>): AllowList {
  return {
    condition: 'or',
    regexTarget: 'secret',
    regexes: [],
    paths: [],
    stopwords: [],
    commits: [],
    ...fields,
  };
}
