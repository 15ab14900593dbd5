/** @module audit/tlog/merkle-hash.test — leaf/node hashing against RFC 6962 known values and node:crypto directly. */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { emptyRoot, hashChildren, hashesEqual, hashLeaf, isHash } from './merkle-hash.ts';

const b64 = (u: Uint8Array): string => Buffer.from(u).toString('base64');
const sha = (...parts: Uint8Array[]): string => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest('base64');
};

describe('merkle-hash', () => {
  it('hashes the empty tree to SHA-256 of nothing (the value used by the RFC 6962 vectors)', () => {
    expect(b64(emptyRoot())).toBe('47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=');
  });

  it('hashes the empty entry to the known RFC 6962 leaf hash 6e340b9c...', () => {
    expect(Buffer.from(hashLeaf(new Uint8Array())).toString('hex')).toBe(
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
    );
  });

  it('prefixes leaves with 0x00 and nodes with 0x01', () => {
    const entry = new TextEncoder().encode('hello');
    expect(b64(hashLeaf(entry))).toBe(sha(Uint8Array.of(0), entry));
    const l = hashLeaf(Uint8Array.of(1));
    const r = hashLeaf(Uint8Array.of(2));
    expect(b64(hashChildren(l, r))).toBe(sha(Uint8Array.of(1), l, r));
  });

  it('hashes large entries (beyond the scratch buffer) correctly', () => {
    const big = new Uint8Array(10_000).fill(7);
    expect(b64(hashLeaf(big))).toBe(sha(Uint8Array.of(0), big));
    expect(b64(hashLeaf(Uint8Array.of(3)))).toBe(sha(Uint8Array.of(0, 3)));
  });

  it('refuses children that are not 32-byte hashes', () => {
    expect(() => hashChildren(new Uint8Array(31), new Uint8Array(32))).toThrow(TypeError);
    expect(() => hashLeaf('x' as unknown as Uint8Array)).toThrow(TypeError);
  });

  it('compares hashes by value and length', () => {
    expect(hashesEqual(Uint8Array.of(1, 2), Uint8Array.of(1, 2))).toBe(true);
    expect(hashesEqual(Uint8Array.of(1, 2), Uint8Array.of(1, 3))).toBe(false);
    expect(hashesEqual(Uint8Array.of(1), Uint8Array.of(1, 0))).toBe(false);
    expect(isHash(new Uint8Array(32))).toBe(true);
    expect(isHash(new Uint8Array(33))).toBe(false);
  });
});
