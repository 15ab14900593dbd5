/**
 * @module ingest/github-signature — GitHub's webhook signature: `X-Hub-Signature-256: sha256=<hex>`,
 * the HMAC-SHA256 of the exact request body bytes keyed with the webhook secret, compared in
 * constant time (GitHub's "Validating webhook deliveries").
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

const HEADER = /^sha256=([0-9a-f]{64})$/i;

/**
 * The header value GitHub would send for `body` under `secret`.
 * @example githubSignature('It\'s a Secret to Everybody', Buffer.from('Hello, World!'))
 *   // 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17'
 */
export function githubSignature(secret: string, body: Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/**
 * True when `header` is a well-formed signature of `body` under `secret`. The comparison takes the
 * same time wherever the first differing byte is.
 * @example verifyGithubSignature(secret, rawBody, req.headers['x-hub-signature-256'])
 */
export function verifyGithubSignature(secret: string, body: Buffer, header: string | undefined): boolean {
  const m = header === undefined ? null : HEADER.exec(header.trim());
  if (!m) return false;
  const expected = createHmac('sha256', secret).update(body).digest();
  return timingSafeEqual(expected, Buffer.from(m[1]!, 'hex'));
}
