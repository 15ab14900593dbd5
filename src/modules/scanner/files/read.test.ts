/** @module scanner/files/read.test — reading files for scanning: text, binary by its head, too large. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readForScan } from './read.ts';

const dir = mkdtempSync(join(tmpdir(), 'palisade-read-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, content: Buffer | string) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};

describe('reading a file for scanning', () => {
  it('returns every byte of a text file longer than the part sniffed for binary content', () => {
    const text = 'line of text\n'.repeat(2000);
    const read = readForScan(file('big.txt', text), 1 << 20);
    expect(read.kind).toBe('text');
    expect(read.kind === 'text' && read.content.toString('utf8')).toBe(text);
  });

  it('returns an empty file as empty text', () => {
    const read = readForScan(file('empty.txt', ''), 100);
    expect(read.kind === 'text' && read.content.length).toBe(0);
  });

  it('calls a file binary when a NUL byte is in its first 8000 bytes, and text when it comes later', () => {
    expect(readForScan(file('a.bin', Buffer.concat([Buffer.from('PK'), Buffer.alloc(10), Buffer.alloc(20_000, 0x41)])), 1 << 20).kind).toBe('binary');
    expect(readForScan(file('late.txt', Buffer.concat([Buffer.alloc(8000, 0x41), Buffer.alloc(1)])), 1 << 20).kind).toBe('text');
  });

  it('does not read a file over the size limit', () => {
    expect(readForScan(file('large.txt', 'x'.repeat(101)), 100)).toEqual({ kind: 'large', size: 101 });
  });
});
