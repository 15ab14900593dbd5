/** @module audit/tlog/note-key.test — key IDs, verifier and signer key strings against the C2SP example and Go-generated keys. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatSignerKey,
  formatVerifierKey,
  generateSignerKey,
  isValidKeyName,
  keyIdOf,
  parseSignerKey,
  parseVerifierKey,
} from './note-key.ts';

const FIXTURES = join(import.meta.dirname, '../../../../test/fixtures/tlog');
const SPEC_VKEY = readFileSync(join(FIXTURES, 'signed-note/spec-example.vkey'), 'utf8').trim();
// Signer/verifier pairs produced by golang.org/x/mod/sumdb/note key generation and published as
// test keys (see test/fixtures/tlog/note-keys/SOURCE): a second implementation to agree with.
const GO_PAIRS = JSON.parse(readFileSync(join(FIXTURES, 'note-keys/go-generated.json'), 'utf8')) as {
  skey: string;
  vkey: string;
}[];

describe('note keys', () => {
  it('parses the C2SP example verifier key and recomputes its key ID', () => {
    const key = parseVerifierKey(SPEC_VKEY);
    expect(key.name).toBe('example.com/foo');
    expect(key.keyId).toBe(0x530d903a);
    expect(keyIdOf(key.name, key.publicKey)).toBe(0x530d903a);
    expect(formatVerifierKey(key)).toBe(SPEC_VKEY);
  });

  it.each(GO_PAIRS)('derives the published verifier key from signer key $vkey', ({ skey, vkey }) => {
    const signer = parseSignerKey(skey);
    expect(formatVerifierKey(signer)).toBe(vkey);
    expect(formatSignerKey(signer)).toBe(skey);
  });

  it('round-trips generated keys', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z0-9./-]{1,40}$/), (name) => {
        const signer = generateSignerKey(name);
        expect(parseSignerKey(formatSignerKey(signer)).publicKey).toEqual(signer.publicKey);
        expect(parseVerifierKey(formatVerifierKey(signer)).keyId).toBe(signer.keyId);
      }),
      { numRuns: 30 },
    );
  });

  it('refuses key strings that break a rule', () => {
    const [name, id, key] = SPEC_VKEY.split('+') as [string, string, string];
    const bad = [
      '',
      `${name}+${id}`,
      `${name}+530D903A+${key}`, // upper-case hex
      `${name}+530d903b+${key}`, // key ID does not match
      `${name}+530d903a+${key.slice(0, -1)}`, // truncated base64
      `${name}+530d903a+${key}=`,
      `example.com/bar+530d903a+${key}`, // other name, same ID
      `${name}+530d903a+Ag${key.slice(2)}`, // other signature type
      `a b+530d903a+${key}`,
      ` ${SPEC_VKEY}`,
    ];
    for (const text of bad) expect(() => parseVerifierKey(text), text).toThrow();
    expect(() => parseSignerKey(SPEC_VKEY)).toThrow(/PRIVATE\+KEY/);
    expect(() => parseSignerKey(GO_PAIRS[0]!.skey.replace(/\+[0-9a-f]{8}\+/, '+00000000+'))).toThrow(/key ID/);
  });

  it('applies the key name rules', () => {
    expect(['example.com/foo', 'Test-Betty', 'ü/é'].every(isValidKeyName)).toBe(true);
    expect(['', 'a+b', 'a b', 'a\tb', 'a\u00a0b', 'a\u2003b', 'a\u0085b', 'a\nb', '\ud800'].some(isValidKeyName)).toBe(false);
  });
});
