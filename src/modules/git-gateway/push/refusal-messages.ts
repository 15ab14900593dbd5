/**
 * @module git-gateway/push/refusal-messages — the `remote:` lines a refused push prints in the developer's
 * terminal: each refused ref with its reason, each secret with file, line, rule id, commit and the secret
 * redacted, and what to do about a false positive. Never the secret itself.
 */
import type { InternalFinding, RefUpdate } from './inspect-push.ts';

/** At most this many findings are listed; the rest are counted. */
const MAX_LISTED = 50;

/**
 * The `ng` reason of a ref refused because the push adds secrets: the first finding, and how many more.
 * @example SECRET_REASON([{ ruleId: 'aws-access-key-id', file: 'app.env', line: 3, … }]) // 'secret found: aws-access-key-id at app.env:3'
 */
export const SECRET_REASON = (findings: readonly InternalFinding[]): string => {
  const [first] = findings;
  const more = findings.length > 1 ? ` (+${findings.length - 1} more)` : '';
  return `secret found: ${first!.ruleId} at ${first!.file}:${first!.line}${more}`;
};

/**
 * The lines (without `remote: `, which git adds) explaining a refusal.
 * @example refusalMessages({ own: new Map([['refs/heads/main', 'protected ref: force-push refused']]), updates, findings: [], resourceName: 'app' })
 */
export function refusalMessages(input: {
  own: ReadonlyMap<string, string>;
  updates: readonly RefUpdate[];
  findings: readonly InternalFinding[];
  resourceName: string;
}): string[] {
  const { own, findings } = input;
  const lines = [`Palisade refused this push to ${input.resourceName}; no ref was updated.`];
  if (own.size > 0) {
    lines.push('', 'Ref rules:');
    for (const [ref, reason] of own) lines.push(`  ${ref}: ${reason}`);
  }
  if (findings.length > 0) {
    lines.push('', `Secrets in the pushed commits (${findings.length}):`);
    for (const f of findings.slice(0, MAX_LISTED)) {
      lines.push(`  ${f.file}:${f.line}  ${f.ruleId}  ${f.redacted}  (commit ${f.commit.slice(0, 12)})`);
      lines.push(`      fingerprint ${f.fingerprint}`);
    }
    if (findings.length > MAX_LISTED) lines.push(`  … and ${findings.length - MAX_LISTED} more`);
    lines.push(
      '',
      'Remove the secret from these commits (rewrite them, e.g. git commit --amend or git rebase -i) and push again;',
      'revoke it if it was real. If a finding is not a secret, put "palisade:allow" in a comment on its line,',
      `or ask an admin to allow its fingerprint: palisade push-rules allow --repo ${input.resourceName} --fingerprint <fingerprint> --reason "…"`,
    );
  }
  return lines;
}
