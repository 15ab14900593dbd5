/**
 * @module scanner/fingerprint — stable identities for findings, used by baselines.
 *
 * `SHA-256(ruleId ‖ 0x00 ‖ file ‖ 0x00 ‖ secret)` in hex. Unlike gitleaks' `file:rule:line` it survives
 * edits that move the secret to another line and is the same in a working-tree scan and a history scan, so
 * one baseline covers both. Because it hashes the secret, a guessable secret can be confirmed from the
 * baseline; the baseline is meant to sit next to code that already contains the secret.
 */
import { createHash } from 'node:crypto';

/**
 * The fingerprint of a finding.
 * @example findingFingerprint('github-pat', 'src/app.ts', 'ghp_…') // '3f1c…' (64 hex digits)
 */
export function findingFingerprint(ruleId: string, file: string, secret: string): string {
  return createHash('sha256').update(`${ruleId}\0${file}\0${secret}`, 'utf8').digest('hex');
}
