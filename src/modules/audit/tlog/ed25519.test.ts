/** @module audit/tlog/ed25519.test — RFC 8032 §7.1 test vectors through the raw-key helpers. */
import { describe, expect, it } from 'vitest';
import {
  ed25519PrivateKey,
  ed25519PublicKey,
  ed25519PublicKeyObject,
  ed25519Sign,
  ed25519Verify,
  generateEd25519Seed,
} from './ed25519.ts';

const hex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'hex'));
const toHex = (u: Uint8Array): string => Buffer.from(u).toString('hex');

// RFC 8032 §7.1, TEST 1 (empty message) and TEST 2 (one byte).
const TESTS = [
  {
    seed: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
    pub: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
    msg: '',
    sig: 'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
  },
  {
    seed: '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb',
    pub: '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c',
    msg: '72',
    sig: '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00',
  },
];

describe('ed25519', () => {
  it.each(TESTS)('reproduces RFC 8032 §7.1 for public key $pub', (t) => {
    expect(toHex(ed25519PublicKey(hex(t.seed)))).toBe(t.pub);
    expect(toHex(ed25519Sign(ed25519PrivateKey(hex(t.seed)), hex(t.msg)))).toBe(t.sig);
    expect(ed25519Verify(ed25519PublicKeyObject(hex(t.pub)), hex(t.msg), hex(t.sig))).toBe(true);
  });

  it('rejects a signature over another message, a flipped bit or a wrong length', () => {
    const t = TESTS[1]!;
    const key = ed25519PublicKeyObject(hex(t.pub));
    expect(ed25519Verify(key, hex('73'), hex(t.sig))).toBe(false);
    const bad = hex(t.sig);
    bad[10] = (bad[10] as number) ^ 1;
    expect(ed25519Verify(key, hex(t.msg), bad)).toBe(false);
    expect(ed25519Verify(key, hex(t.msg), hex(t.sig).subarray(0, 63))).toBe(false);
  });

  it('generates fresh seeds and refuses keys of the wrong size', () => {
    expect(toHex(generateEd25519Seed())).not.toBe(toHex(generateEd25519Seed()));
    expect(() => ed25519PrivateKey(new Uint8Array(31))).toThrow(TypeError);
    expect(() => ed25519PublicKeyObject(new Uint8Array(33))).toThrow(TypeError);
  });
});
