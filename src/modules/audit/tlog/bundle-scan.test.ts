/** @module audit/tlog/bundle-scan.test — the streaming pass: roots at checkpoint sizes, index peeking that nested "index" keys cannot fool. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BUNDLE_FILES } from './bundle.ts';
import { scanBundle } from './bundle-scan.ts';
import { encodeEntry, encodeEntryText } from './entry.ts';
import { hashLeaf } from './merkle-hash.ts';
import { MemoryTree } from './memory-tree.ts';
import { sampleEntry } from './log-fixture.test-support.ts';

const dir = mkdtempSync(join(tmpdir(), 'palisade-scan-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Entries whose details try hard to look like a top-level index field.
const entries = Array.from({ length: 9 }, (_, i) => ({
  ...sampleEntry(i),
  details: { index: 1000 + i, nested: { ',"index":': 5, id: 'x', s: '","index":7,"' }, zz: [{ index: 3 }] },
  requestId: i % 2 === 0 ? ',"index":42,' : null,
}));

describe('scanBundle', () => {
  writeFileSync(join(dir, BUNDLE_FILES.events), entries.map((e) => `${encodeEntryText(e)}\n`).join(''));
  const tree = new MemoryTree();
  for (const e of entries) tree.append(hashLeaf(encodeEntry(e)));

  it('computes the roots at the asked sizes and reads every top-level index right', async () => {
    for (const strict of [false, true]) {
      const scan = await scanBundle(dir, [0, 4, 9], { strict });
      expect(scan.eventCount).toBe(9);
      expect(scan.recordedCount).toBeUndefined();
      expect([...scan.eventRoots.keys()].sort()).toEqual([0, 4, 9]);
      expect(scan.eventRoots.get(4)).toEqual(tree.root(4));
      expect(scan.eventRoots.get(9)).toEqual(tree.root(9));
      expect(scan.indexAnomaly).toBe(false);
      expect(scan.malformedCount).toBe(0);
    }
  });

  it('handles a last line without newline and flags unreadable lines', async () => {
    writeFileSync(join(dir, BUNDLE_FILES.events), `${encodeEntryText(entries[0]!)}\nnot json\n${encodeEntryText(entries[2]!)}`);
    const scan = await scanBundle(dir, [3], { strict: true });
    expect(scan.eventCount).toBe(3);
    expect(scan.missingFinalNewline).toBe(true);
    expect(scan.malformed).toMatchObject([{ line: 1 }]);
    expect(scan.indexAnomaly).toBe(true);
    const fast = await scanBundle(dir, [3]);
    expect(fast.indexAnomaly).toBe(true);
    expect(fast.eventRoots.get(3)).toEqual(scan.eventRoots.get(3));
  });

  it('gives the same answers with the lines hashed on worker threads', async () => {
    // Tricky index fields, a line whose index is wrong, a recorded hash that differs, no final newline.
    const lines = entries.map((e) => encodeEntryText(e));
    lines[5] = encodeEntryText({ ...entries[5]!, index: 77 });
    writeFileSync(join(dir, BUNDLE_FILES.events), lines.join('\n'));
    const recorded = Buffer.concat(lines.map((l) => Buffer.from(hashLeaf(new TextEncoder().encode(l)))));
    recorded.writeUInt8(recorded.readUInt8(3 * 32) ^ 1, 3 * 32);
    writeFileSync(join(dir, BUNDLE_FILES.leafHashes), recorded);
    const serial = await scanBundle(dir, [0, 2, 4, 9], { parallel: false });
    const parallel = await scanBundle(dir, [0, 2, 4, 9], { parallel: true });
    expect(serial).toMatchObject({ eventCount: 9, indexAnomaly: true, hashAnomaly: true, missingFinalNewline: true });
    expect(parallel).toEqual(serial);
    writeFileSync(join(dir, BUNDLE_FILES.events), entries.map((e) => `${encodeEntryText(e)}\n`).join(''));
    rmSync(join(dir, BUNDLE_FILES.leafHashes));
    const clean = await scanBundle(dir, [9], { parallel: true });
    expect(clean).toMatchObject({ eventCount: 9, indexAnomaly: false, hashAnomaly: false });
    expect(clean.eventRoots.get(9)).toEqual(tree.root(9));
  });
});
