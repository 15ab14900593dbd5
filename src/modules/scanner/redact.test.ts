/** @module scanner/redact.test — redaction never leaks the secret; fingerprints are stable. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findingFingerprint } from './fingerprint.ts';
import { MASK, redactFinding, redactSecret } from './redact.ts';
import type { Finding } from './types.ts';

const secretChars = fc.string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=_-.'.split('')), minLength: 1, maxLength: 120 });

const finding = (secret: string, lineText: string): Finding => ({
  ruleId: 'r',
  description: 'd',
  category: 'credential',
  tags: [],
  file: 'f',
  line: 1,
  column: 1,
  endLine: 1,
  endColumn: 1,
  secret,
  match: `key=${secret}`,
  lineText,
  entropy: 0,
  fingerprint: findingFingerprint('r', 'f', secret),
  redacted: false,
});

describe('redaction', () => {
  it('never returns the secret, and shows at most four leading characters', () => {
    fc.assert(
      fc.property(secretChars, (secret) => {
        const r = redactSecret(secret);
        expect(r.endsWith(MASK)).toBe(true);
        const visible = r.slice(0, -MASK.length);
        expect(visible.length).toBeLessThanOrEqual(Math.min(4, Math.floor(secret.length / 4)));
        expect(secret.startsWith(visible)).toBe(true);
        if (secret.length >= 2) expect(r.includes(secret)).toBe(false);
      }),
    );
  });

  it('masks every occurrence in the match and the line', () => {
    fc.assert(
      fc.property(secretChars.filter((s) => s.length >= 6), fc.string(), fc.string(), (secret, before, after) => {
        const f = redactFinding(finding(secret, `${before}${secret}${after}${secret}`));
        expect(f.secret).not.toBe(secret);
        expect(f.match.includes(secret)).toBe(false);
        expect(f.lineText.includes(secret)).toBe(false);
        expect(f.redacted).toBe(true);
      }),
    );
  });

  it('masks each line of a multi-line secret in the line text', () => {
    const f = redactFinding(finding('-----BEGIN KEY-----\nAAAABBBBCCCC\n-----END KEY-----', 'x = "-----BEGIN KEY-----'));
    expect(f.lineText).toBe(`x = "${MASK}`);
  });
});

describe('fingerprints', () => {
  it('depend only on rule, file and secret (not on line or column), so moving a secret keeps its fingerprint', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.string(), (rule, file, secret) => {
        expect(findingFingerprint(rule, file, secret)).toBe(findingFingerprint(rule, file, secret));
        expect(findingFingerprint(rule, file, secret)).toMatch(/^[0-9a-f]{64}$/);
      }),
    );
  });

  it('differ when the rule, file or secret differ, even when the parts could be re-split', () => {
    expect(findingFingerprint('a', 'bc', 'd')).not.toBe(findingFingerprint('ab', 'c', 'd'));
    expect(findingFingerprint('r', 'f', 's1')).not.toBe(findingFingerprint('r', 'f', 's2'));
  });
});
