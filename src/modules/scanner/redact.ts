/**
 * @module scanner/redact — masks secrets in findings before they are printed or sent anywhere.
 * At most four leading characters stay visible, and only of long secrets: enough to tell `ghp_` from
 * `AKIA`, never enough to use. The mask has a fixed length so it does not reveal the secret's length.
 */
import type { Finding } from './types.ts';

export const MASK = '*****';

/**
 * The redacted form of a secret.
 * @example redactSecret('ghp_0123456789abcdefghijABCDEFGHIJ012345') // 'ghp_*****'
 * @example redactSecret('hunter2') // '*****'
 */
export function redactSecret(secret: string): string {
  const visible = Math.min(4, Math.floor(secret.length / 4));
  return secret.length >= 12 ? secret.slice(0, visible) + MASK : MASK;
}

/**
 * A copy of the finding with the secret masked wherever it appears (secret, match and line).
 * @example redactFinding(finding).secret // 'AKIA*****'
 */
export function redactFinding(finding: Finding): Finding {
  if (finding.redacted || finding.secret === '') return { ...finding, redacted: true };
  const masked = redactSecret(finding.secret);
  return {
    ...finding,
    secret: masked,
    match: maskAll(finding.match, finding.secret, masked),
    lineText: maskAll(finding.lineText, finding.secret, masked),
    redacted: true,
  };
}

/** Replaces the secret, and each line of a multi-line secret (a line of text may hold only its first part). */
function maskAll(text: string, secret: string, masked: string): string {
  let out = text.split(secret).join(masked);
  if (secret.includes('\n')) {
    for (const part of secret.split(/\r?\n/)) if (part.length >= 4) out = out.split(part).join(MASK);
  }
  return out;
}
