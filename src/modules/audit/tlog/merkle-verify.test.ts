/** @module audit/tlog/merkle-verify.test — the transparency-dev/merkle RFC 6962 vectors: every happy path verifies, every mutated probe fails. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyConsistency, verifyInclusion } from './merkle-verify.ts';

const VECTORS = join(import.meta.dirname, '../../../../test/fixtures/tlog/merkle');

function jsonFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? jsonFiles(p) : name.endsWith('.json') ? [p] : [];
  });
}

// The vectors encode hashes in standard base64; "" and short strings are deliberate garbage.
const bytes = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'base64'));
const proofOf = (p: string[] | null): Uint8Array[] => (p ?? []).map(bytes);

interface InclusionVector {
  leafIdx: number;
  treeSize: number;
  root: string;
  leafHash: string;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
}
interface ConsistencyVector {
  size1: number;
  size2: number;
  root1: string;
  root2: string;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
}

const inclusion = jsonFiles(join(VECTORS, 'inclusion'));
const consistency = jsonFiles(join(VECTORS, 'consistency'));

describe('RFC 6962 inclusion vectors', () => {
  it('finds the checked-in vectors', () => expect(inclusion.length).toBeGreaterThan(50));
  it.each(inclusion.map((f) => [f.slice(VECTORS.length + 1), f]))('%s', (_name, file) => {
    const v = JSON.parse(readFileSync(file, 'utf8')) as InclusionVector;
    const ok = verifyInclusion(v.leafIdx, v.treeSize, bytes(v.leafHash), proofOf(v.proof), bytes(v.root));
    expect(ok).toBe(!v.wantErr);
  });
});

describe('RFC 6962 consistency vectors', () => {
  it('finds the checked-in vectors', () => expect(consistency.length).toBeGreaterThan(50));
  it.each(consistency.map((f) => [f.slice(VECTORS.length + 1), f]))('%s', (_name, file) => {
    const v = JSON.parse(readFileSync(file, 'utf8')) as ConsistencyVector;
    const ok = verifyConsistency(v.size1, v.size2, proofOf(v.proof), bytes(v.root1), bytes(v.root2));
    expect(ok).toBe(!v.wantErr);
  });
});

describe('hostile input', () => {
  it('never throws, only fails', () => {
    const h = new Uint8Array(32);
    expect(verifyInclusion(-1, 2, h, [h], h)).toBe(false);
    expect(verifyInclusion(0.5, 2, h, [h], h)).toBe(false);
    expect(verifyInclusion(0, 2 ** 60, h, [h], h)).toBe(false);
    expect(verifyInclusion(0, 2, h, 'x' as unknown as Uint8Array[], h)).toBe(false);
    expect(verifyConsistency(1, 2, [new Uint8Array(5)], h, h)).toBe(false);
    expect(verifyConsistency(1, 2, null as unknown as Uint8Array[], h, h)).toBe(false);
  });
});
